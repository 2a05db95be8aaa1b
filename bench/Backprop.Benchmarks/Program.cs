// Backprop.NET side by side with PyTorch (issue 6). See bench/README.md.
//   dotnet run -c Release --project bench/Backprop.Benchmarks -- --quick   (< 3 minutes)
//   dotnet run -c Release --project bench/Backprop.Benchmarks              (full)
//   options: --torch-threads 1:1,2:1,1:2,2:2   --rounds N   --samples N,SECONDS   --python /usr/bin/python3   --blas-dir DIR|none
//   dotnet run -c Release --project bench/Backprop.Benchmarks -- --bdn [BenchmarkDotNet args]  (ours only, BenchmarkDotNet)
// Ends with "ratio <workload> <ours/PyTorch>" lines and "time scalar-demo-step <ms>".
using System.Globalization;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Running;
using Backprop.Benchmarks;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

int bdn = Array.IndexOf(args, "--bdn");
if (bdn >= 0)
{
    BenchmarkSwitcher.FromAssembly(typeof(OurBenchmarks).Assembly).Run(args[(bdn + 1)..]);
    return 0;
}

bool quick = args.Contains("--quick");
string python = Option("--python") ?? "/usr/bin/python3";
// torch.set_num_threads : OPENBLAS_NUM_THREADS. 2:2 oversubscribes the 2 cores (slow here): full mode tries
// it too, quick mode skips it to stay under three minutes.
string[] threadSettings = (Option("--torch-threads") ?? (quick ? "1:1,2:1,1:2" : "1:1,2:1,1:2,2:2")).Split(',');
string script = FindScript();
// PyTorch's BLAS: bench/.openblas (made by bench/setup-openblas.sh) unless --blas-dir says otherwise ("none": the system's).
string? blasDir = Option("--blas-dir") ?? Path.Combine(Path.GetDirectoryName(script)!, ".openblas", "usr", "lib", "x86_64-linux-gnu", "openblas-pthread");
if (blasDir == "none") blasDir = null;
else if (!File.Exists(Path.Combine(blasDir, "libblas.so.3")))
{
    Console.WriteLine($"warning: no OpenBLAS at {blasDir} (run bench/setup-openblas.sh); PyTorch uses the system's libblas.so.3, which may be netlib's slow reference BLAS");
    blasDir = null;
}
(int samples, double sampleSeconds, double warmup, int rounds) = quick ? (7, 0.1, 0.5, 2) : (21, 0.25, 2.0, 3);
if (Option("--rounds") is string roundOption) rounds = int.Parse(roundOption);

Console.WriteLine($"mode: {(quick ? "quick" : "full")}; cores {Environment.ProcessorCount}; AVX2 {Avx2.IsSupported}; FMA {Fma.IsSupported}; " +
    $"AVX-512F {Avx512F.IsSupported}; .NET {Environment.Version}; load average {LoadAverage()}");

Workload[] workloads = [new Gemm1024(), MlpStep.Mnist(64), MlpStep.Mnist(256), MlpStep.Tiny(), new Chain2x2()];
if (Option("--samples") is string sampleOption) // "<samples>,<seconds per sample>" (for investigating the modes)
{
    string[] so = sampleOption.Split(',');
    (samples, sampleSeconds) = (int.Parse(so[0]), double.Parse(so[1], CultureInfo.InvariantCulture));
}
var scalar = new ScalarDemoStep();
string dir = TorchTwin.Export(workloads); // initial weights, before any step

var ours = new Dictionary<string, double>();
var bytes = new Dictionary<string, double>();
var torch = new Dictionary<string, TorchTwin.Result>();
double scalarSeconds = double.MaxValue;
long[] cpuBefore = CpuTimes();
// Other jobs may share the 2 cores: alternate the two sides in rounds and keep each side's best median.
for (int round = 1; round <= rounds; round++)
{
    Console.WriteLine($"round {round}/{rounds}: Backprop.NET (median per step):");
    foreach (var w in workloads)
    {
        double s = Harness.MedianSeconds(w, samples, sampleSeconds, warmup);
        ours[w.Name] = Math.Min(s, ours.GetValueOrDefault(w.Name, double.MaxValue));
        if (round == 1 && w is MlpStep or Chain2x2) bytes[w.Name] = Harness.AllocatedBytesPerStep(w, quick ? 20 : 100);
        Console.WriteLine($"  ours {w.Name,-10} {TorchTwin.Format(s)}" +
            (bytes.TryGetValue(w.Name, out double b) ? $"   allocated {b,10:F0} B/step" : ""));
    }
    double scalarRound = Harness.MedianSeconds(scalar, quick ? 5 : 11, 0.0, quick ? 0.3 : 1.0);
    scalarSeconds = Math.Min(scalarSeconds, scalarRound);
    Console.WriteLine($"  ours {scalar.Name,-10} {TorchTwin.Format(scalarRound)}");

    Console.WriteLine($"round {round}/{rounds}: PyTorch twin ({python} {script}; thread settings {string.Join(",", threadSettings)}):");
    foreach (var (name, r) in TorchTwin.Run(script, dir, quick, threadSettings, python, blasDir))
        if (!torch.TryGetValue(name, out var t) || r.Seconds < t.Seconds) torch[name] = r;
}
long[] cpuAfter = CpuTimes();
try { Directory.Delete(dir, recursive: true); } catch (IOException) { }

// Same weights, same data: the first loss of each MLP must agree (fp32, so to ~1e-5 relative).
foreach (var w in workloads)
    if (w.Check is double mine && torch.TryGetValue(w.Name, out var t) && t.Check is double theirs)
        Console.WriteLine($"check {w.Name} first loss: ours {mine:G7}, pytorch {theirs:G7}" +
            (Math.Abs(mine - theirs) <= 1e-4 * Math.Max(1, Math.Abs(theirs)) ? " (agree)" : " (DIFFER: twins are not the same computation)"));

Console.WriteLine($"gemm1024: ours {2e-9 * 1024 * 1024 * 1024 / ours["gemm1024"]:F1} GFLOP/s" +
    (torch.TryGetValue("gemm1024", out var g) ? $", pytorch {2e-9 * 1024 * 1024 * 1024 / g.Seconds:F1} GFLOP/s ({g.Threads})" : ""));
foreach (var (name, t) in torch) Console.WriteLine($"pytorch best {name} {TorchTwin.Format(t.Seconds)} ({t.Threads})");
foreach (var (name, b) in bytes) Console.WriteLine($"allocated {name} {b:F0}");
Console.WriteLine($"load average after: {LoadAverage()}; CPU time stolen by other guests during the run: {StealPercent(cpuBefore, cpuAfter):F1}%");
foreach (var w in workloads)
    Console.WriteLine(torch.TryGetValue(w.Name, out var t)
        ? $"ratio {w.Name} {ours[w.Name] / t.Seconds:F4}"
        : $"ratio {w.Name} NaN");
Console.WriteLine($"time scalar-demo-step {scalarSeconds * 1e3:F3}");
return 0;

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string FindScript()
{
    foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "bench", "torch_twin.py");
            if (File.Exists(candidate)) return candidate;
            if (d.Name == "bench" && File.Exists(Path.Combine(d.FullName, "torch_twin.py"))) return Path.Combine(d.FullName, "torch_twin.py");
        }
    throw new FileNotFoundException("bench/torch_twin.py not found above the current directory or the binary.");
}

// /proc/stat "cpu" line: user nice system idle iowait irq softirq steal ...
static long[] CpuTimes() => File.Exists("/proc/stat")
    ? [.. File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse)]
    : [];

static double StealPercent(long[] before, long[] after)
{
    if (before.Length < 8 || after.Length < 8) return double.NaN;
    long total = 0;
    for (int i = 0; i < 8; i++) total += after[i] - before[i];
    return total == 0 ? 0 : 100.0 * (after[7] - before[7]) / total;
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
