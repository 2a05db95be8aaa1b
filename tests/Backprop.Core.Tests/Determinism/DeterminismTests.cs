using System.Diagnostics;
using Xunit.Abstractions;

namespace Backprop.Core.Tests.Determinism;

/// <summary>
/// The reproducibility guarantee (docs/reproducibility.md), end to end: tests/Backprop.Determinism.Probe runs
/// every op family forward and backward (odd sizes, sizes across the GEMM's blocking and the two-halves
/// split), the optimizers, a Trainer run and MLP trainings, and prints a SHA-256 per result. It runs here as
/// a child process under each setting that selects another SIMD path or core count; all must print the same.
/// </summary>
public class DeterminismTests(ITestOutputHelper output)
{
    /// <summary>
    /// The settings: the default (the best path of this machine), then AVX2, Vector128 only, scalar, one core,
    /// four cores.
    /// .NET 10 ignores DOTNET_EnableAVX512F (its knob is DOTNET_EnableAVX512); both are set. Each setting's
    /// check of the probe's "isa" line says whether the setting took effect.
    /// </summary>
    public static readonly (string Name, string[] Variables, Func<string, bool> Took)[] Settings =
    [
        ("default", [], _ => true),
        ("avx2", ["DOTNET_EnableAVX512=0", "DOTNET_EnableAVX512F=0"], isa => isa.Contains("avx512=False")),
        ("vector128", ["DOTNET_EnableAVX2=0"], isa => isa.Contains("avx2=False") && isa.Contains("vector128=True")),
        ("scalar", ["DOTNET_EnableHWIntrinsic=0"], isa => isa.Contains("vector128=False")),
        ("one-core", ["DOTNET_PROCESSOR_COUNT=1"], isa => isa.Contains("cores=1")),
        // More threads than this machine has: large GEMMs are cut into four slabs on the thread pool.
        ("four-cores", ["DOTNET_PROCESSOR_COUNT=4"], isa => isa.Contains("cores=4")),
    ];

    [Fact]
    public void EveryOp_IsBitIdentical_OnEverySimdPathAndCoreCount() => AssertSameEverywhere("ops", minimumLines: 1000);

    [Fact]
    public void AdamTrainingOfTheMlp_GivesBitIdenticalWeights_OnEverySimdPathAndCoreCount() => AssertSameEverywhere("train", minimumLines: 2);

    private void AssertSameEverywhere(string mode, int minimumLines)
    {
        var results = Settings.Select(s => (s.Name, Lines: RunProbe(mode, s.Variables))).ToList();
        for (int i = 0; i < Settings.Length; i++)
        {
            string isa = results[i].Lines["isa"];
            output.WriteLine($"{Settings[i].Name}: {isa}");
            Assert.True(Settings[i].Took(isa), $"the setting {Settings[i].Name} did not take effect: {isa}");
            results[i].Lines.Remove("isa");
        }
        Dictionary<string, string> reference = results[0].Lines;
        Assert.True(reference.Count >= minimumLines, $"the probe printed {reference.Count} results; expected at least {minimumLines}");
        var failures = new List<string>();
        foreach (var (name, lines) in results.Skip(1))
        {
            var differing = reference.Keys.Where(k => !lines.TryGetValue(k, out string? h) || h != reference[k]).ToList();
            output.WriteLine($"{name}: {reference.Count - differing.Count} of {reference.Count} results identical to the default setting");
            if (differing.Count > 0)
                failures.Add($"{name}: {differing.Count} differ, e.g. {string.Join(", ", differing.Take(12))}");
        }
        Assert.True(failures.Count == 0, "results differ from the default setting:\n" + string.Join("\n", failures));
    }

    /// <summary>Runs the probe with only <paramref name="variables"/> set among the settings' variables; returns name → hash.</summary>
    private static Dictionary<string, string> RunProbe(string mode, string[] variables)
    {
        var start = new ProcessStartInfo(DotnetHost(), [ProbePath(), mode])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (_, all, _) in Settings)
            foreach (string v in all) start.Environment.Remove(v.Split('=')[0]);
        foreach (string v in variables)
        {
            string[] kv = v.Split('=');
            start.Environment[kv[0]] = kv[1];
        }
        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"the probe ({string.Join(" ", variables)}) exited with {process.ExitCode}: {stderr.Result}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => parts[1]);
    }

    private static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>The probe built next to this assembly: …/tests/Backprop.Determinism.Probe/bin/&lt;configuration&gt;/&lt;tfm&gt;/.</summary>
    private static string ProbePath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var below = new Stack<string>();
        while (dir is not null && dir.Name != "Backprop.Core.Tests")
        {
            below.Push(dir.Name);
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        string path = Path.Combine([dir.Parent!.FullName, "Backprop.Determinism.Probe", .. below, "Backprop.Determinism.Probe.dll"]);
        Assert.True(File.Exists(path), $"the probe is not built at {path}");
        return path;
    }
}
