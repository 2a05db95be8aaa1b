using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Backprop.Core.Tests.Oracle;

/// <summary>
/// Runs tests/oracle/torch_oracle.py with Debian's PyTorch (/usr/bin/python3) on cases the tests
/// generate, and returns PyTorch's values and gradients.
/// </summary>
internal static class TorchOracle
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> s_unavailable = new(Probe);

    /// <summary>Skips the calling test (or fails, in CI) when PyTorch cannot be run.</summary>
    public static void RequireOrSkip() => ExternalRequirement.RequireOrSkip("PyTorch (python3-torch)", s_unavailable.Value);

    private static string? Probe()
    {
        if (!File.Exists(Python)) return $"{Python} does not exist";
        try
        {
            var (code, _, err) = Execute("-c \"import torch\"", null);
            return code == 0 ? null : $"'import torch' failed: {err.Trim()}";
        }
        catch (Exception e)
        {
            return e.Message;
        }
    }

    /// <summary>A tensor as the oracle reads it.</summary>
    public static JsonObject Spec(int[] shape, double[] data, bool grad = true) => new()
    {
        ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()),
        ["data"] = new JsonArray(data.Select(v => (JsonNode)v).ToArray()),
        ["grad"] = grad,
    };

    /// <summary>Runs a request {"dtype", "cases"} and returns the "results" array.</summary>
    public static JsonArray Run(string dtype, IEnumerable<JsonObject> cases)
    {
        var request = new JsonObject { ["dtype"] = dtype, ["cases"] = new JsonArray(cases.ToArray<JsonNode>()) };
        return RunScript("torch_oracle.py", request)["results"]!.AsArray();
    }

    /// <summary>Runs tests/oracle/<paramref name="script"/> with PyTorch on one JSON request and returns its JSON answer.</summary>
    public static JsonNode RunScript(string script, JsonObject request)
    {
        RequireOrSkip();
        string path = Path.Combine(ExternalRequirement.RepositoryRoot, "tests", "oracle", script);
        var (code, stdout, stderr) = Execute($"\"{path}\"", request.ToJsonString());
        if (code != 0) throw new InvalidOperationException($"{script} exited with {code}: {stderr}");
        return JsonNode.Parse(stdout)!;
    }

    /// <summary>Reads a tensor answer: (shape, data).</summary>
    public static (int[] Shape, double[] Data) Read(JsonNode node) =>
        (node["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray(),
         node["data"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray());

    internal static (int Code, string Stdout, string Stderr) Execute(string arguments, string? stdin)
    {
        var psi = new ProcessStartInfo(Python, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Python}");
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("torch_oracle.py did not finish within 5 minutes");
        }
        return (process.ExitCode, stdoutTask.Result, stderrTask.Result);
    }

    /// <summary>Asserts element-wise closeness: |a − e| ≤ atol + rtol·|e|.</summary>
    public static void AssertClose(double[] expected, ReadOnlySpan<double> actual, double rtol, double atol, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} elements, PyTorch has {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            bool ok = double.IsNaN(e) ? double.IsNaN(a) : Math.Abs(a - e) <= atol + rtol * Math.Abs(e);
            Assert.True(ok, $"{what}[{i}]: ours {a:R}, PyTorch {e:R} (rtol {rtol}, atol {atol})");
        }
    }
}
