using System.Text.Json.Nodes;

namespace Backprop.Core.Tests.Oracle;

/// <summary>Runs tests/oracle/onnx_check.py — the reference onnx.checker of Debian's python3-onnx, through
/// /usr/bin/python3 — on exported files; skips (or fails under BACKPROP_REQUIRE_ORACLES=1) without it.</summary>
internal static class OnnxChecker
{
    private static readonly Lazy<string?> s_unavailable = new(() =>
    {
        if (!File.Exists(TorchOracle.Python)) return $"{TorchOracle.Python} does not exist";
        try
        {
            var (code, _, err) = TorchOracle.Execute("-c \"import onnx\"", null);
            return code == 0 ? null : $"'import onnx' failed: {err.Trim()}";
        }
        catch (Exception e)
        {
            return e.Message;
        }
    });

    /// <summary>Checks <paramref name="path"/> with onnx.checker.check_model(full_check=True) and returns the script's summary.</summary>
    public static JsonNode Check(string path)
    {
        ExternalRequirement.RequireOrSkip("the ONNX checker (python3-onnx)", s_unavailable.Value);
        string script = Path.Combine(ExternalRequirement.RepositoryRoot, "tests", "oracle", "onnx_check.py");
        var (code, stdout, stderr) = TorchOracle.Execute($"\"{script}\" \"{path}\"", null);
        Assert.True(code == 0, $"onnx.checker rejected {path}: {stderr}");
        return JsonNode.Parse(stdout)!;
    }
}
