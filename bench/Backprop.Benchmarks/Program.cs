// Backprop.NET side by side with PyTorch (issue 6). See bench/README.md.
//   dotnet run -c Release --project bench/Backprop.Benchmarks -- --quick   (< 3 minutes)
//   dotnet run -c Release --project bench/Backprop.Benchmarks              (full, < 15 minutes)
//   dotnet run -c Release --project bench/Backprop.Benchmarks -- --notebooks   (adds the whole-notebook runs)
//   options: --sections core,gemm,elementwise,graph[,fashion,curves,notebooks] (fashion and curves: full mode's default)   --torch-threads 1:1,2:1,1:2,2:2
//            --extra-torch-threads 2:1,1:2   --extra-rounds N (2)   --rounds N   --samples N,SECONDS   --python /usr/bin/python3
//            --fashion-rounds N (2)   --fashion-torch-threads 1:2   --curves-torch-threads 2:1,1:2
//            --blas-dir DIR|none   --notebook-runs N   --packages DIR   --markdown docs/performance.md
//   dotnet run -c Release --project bench/Backprop.Benchmarks -- --bdn [BenchmarkDotNet args]  (ours only, BenchmarkDotNet)
// Ends with a summary, "ratio <workload> <ours/PyTorch>" lines (the five issue workloads last) and
// "time scalar-demo-step <ms>" as the very last line.
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Running;
using Backprop;
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
// The GEMM-shape and elementwise sections: 2:1 (one BLAS thread, two intra-op threads) and 1:2 (two BLAS
// threads, one intra-op thread) cover PyTorch's one- and two-thread paths for both; full mode adds 1:1.
string[] extraThreadSettings = (Option("--extra-torch-threads") ?? (quick ? "2:1,1:2" : "1:1,2:1,1:2")).Split(',');
// Full mode adds the Fashion-MNIST training runs and the curves (issue 14); quick mode stays under three minutes.
var sections = new HashSet<string>((Option("--sections") ?? (quick ? "core,gemm,elementwise,graph" : "core,gemm,elementwise,graph,fashion,curves")).Split(','));
if (args.Contains("--notebooks")) sections.Add("notebooks");
string script = FindScript();
string repo = Path.GetDirectoryName(Path.GetDirectoryName(script)!)!;
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
// The extra sections (14 GEMM shapes, 12 elementwise workloads, 2 graph views) run once, with lighter sampling.
// At least 60 warm-up calls and a settle pause: the tiered JIT promotes a method to optimised code only
// after ~30 calls (following a 100 ms quiet period), so fewer calls would time unoptimised code.
Sampling extraSampling = quick ? new Sampling(5, 0.04, 0.3, 60, 200) : new Sampling(9, 0.06, 0.5, 60, 200);

var wall = System.Diagnostics.Stopwatch.StartNew();
// Which SIMD path the kernels take: the widest accelerated vectors (AVX-512, AVX2, 128-bit vectors, else scalar).
string simd = Vector512.IsHardwareAccelerated ? "AVX-512" : Avx2.IsSupported ? "AVX2" : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";
string machine = $"SIMD path {simd}; GEMM kernels {Backprop.Kernels.Gemm.Kernels}; cores {Environment.ProcessorCount}; AVX2 {Avx2.IsSupported}; FMA {Fma.IsSupported}; AVX-512F {Avx512F.IsSupported}; .NET {Environment.Version}";
Console.WriteLine($"mode: {(quick ? "quick" : "full")}; sections {string.Join(",", sections)}; {machine}; load average {LoadAverage()}");

Workload[] workloads = [new Gemm1024(), MlpStep.Mnist(64), MlpStep.Mnist(256), MlpStep.Tiny(), new Chain2x2()];
if (Option("--samples") is string sampleOption) // "<samples>,<seconds per sample>" (for investigating the modes)
{
    string[] so = sampleOption.Split(',');
    (samples, sampleSeconds) = (int.Parse(so[0]), double.Parse(so[1], CultureInfo.InvariantCulture));
}
var scalar = new ScalarDemoStep();

var ours = new Dictionary<string, double>();
var bytes = new Dictionary<string, double>();
var torch = new Dictionary<string, TorchTwin.Result>();
double scalarSeconds = double.MaxValue;
long[] cpuBefore = CpuTimes();
if (sections.Contains("core"))
{
    string dir = TorchTwin.Export(workloads, "manifest.json"); // initial weights, before any step
    // Other jobs may share the 2 cores: alternate the two sides in rounds and keep each side's best median.
    for (int round = 1; round <= rounds; round++)
    {
        Console.WriteLine($"[{wall.Elapsed.TotalSeconds:F0} s] round {round}/{rounds}: Backprop.NET (median per step):");
        foreach (var w in workloads)
        {
            double s = Harness.MedianSeconds(w, samples, sampleSeconds, warmup);
            ours[w.Name] = Math.Min(s, ours.GetValueOrDefault(w.Name, double.MaxValue));
            if (round == 1) bytes[w.Name] = Harness.AllocatedBytesPerStep(w, w is Gemm1024 ? (quick ? 3 : 10) : (quick ? 20 : 100));
            Console.WriteLine($"  ours {w.Name,-10} {TorchTwin.Format(s)}" +
                (bytes.TryGetValue(w.Name, out double b) ? $"   allocated {b,10:F0} B/step" : ""));
        }
        double scalarRound = Harness.MedianSeconds(scalar, quick ? 5 : 11, 0.0, quick ? 0.3 : 1.0);
        scalarSeconds = Math.Min(scalarSeconds, scalarRound);
        if (round == 1) bytes[scalar.Name] = Harness.AllocatedBytesPerStep(scalar, quick ? 10 : 30);
        Console.WriteLine($"  ours {scalar.Name,-10} {TorchTwin.Format(scalarRound)}   allocated {bytes[scalar.Name],10:F0} B/step");

        Console.WriteLine($"[{wall.Elapsed.TotalSeconds:F0} s] round {round}/{rounds}: PyTorch twin ({python} {script}; thread settings {string.Join(",", threadSettings)}):");
        foreach (var (name, r) in TorchTwin.Run(script, dir, quick, threadSettings, python, blasDir))
            if (!torch.TryGetValue(name, out var t) || r.Seconds < t.Seconds) torch[name] = r;
    }
    try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
}

// GEMM shapes and elementwise throughput: ours, then the twin under each thread setting, alternating in rounds as
// the issue workloads do (this machine's memory speed changes by the minute; a side measured alone in a slow minute
// would skew the ratio); each side keeps its best median per workload.
var extras = new List<Workload>();
if (sections.Contains("gemm")) extras.AddRange(GemmShape.All());
if (sections.Contains("elementwise")) extras.AddRange(Elementwise.All());
var oursExtra = new Dictionary<string, Measurement>();
int extraRounds = int.Parse(Option("--extra-rounds") ?? "2", CultureInfo.InvariantCulture);
if (extras.Count > 0)
{
    string dir = TorchTwin.Export(extras, "extra.json");
    for (int round = 1; round <= extraRounds; round++)
    {
        Console.WriteLine($"[{wall.Elapsed.TotalSeconds:F0} s] round {round}/{extraRounds}: GEMM shapes and elementwise, Backprop.NET (median per call; {extraSampling}):");
        foreach (var w in extras)
        {
            var m = Harness.Measure(w, extraSampling);
            if (!oursExtra.TryGetValue(w.Name, out var best) || m.Seconds < best.Seconds) oursExtra[w.Name] = m;
            Console.WriteLine($"  ours {w.Name,-22} {TorchTwin.Format(m.Seconds)}   allocated {m.BytesPerStep,10:F0} B/call");
        }
        Console.WriteLine($"[{wall.Elapsed.TotalSeconds:F0} s] round {round}/{extraRounds}: GEMM shapes and elementwise, PyTorch twin (thread settings {string.Join(",", extraThreadSettings)}):");
        foreach (var (name, r) in TorchTwin.Run(script, dir, quick, extraThreadSettings, python, blasDir, "extra.json", extraSampling.ForTwin()))
            if (!torch.TryGetValue(name, out var t) || r.Seconds < t.Seconds) torch[name] = r;
    }
    try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
}

// Graph view of a ~2,000-node scalar graph (ours only).
var graphs = new List<(GraphRender View, Measurement Time)>();
if (sections.Contains("graph"))
{
    Value loss = GraphRender.BuildGraph();
    Console.WriteLine($"[{wall.Elapsed.TotalSeconds:F0} s] graph view (Backprop.Interactive, loss.Graph(options).ToHtml(): model, layout, HTML):");
    foreach (bool full in new[] { true, false })
    {
        var view = new GraphRender(loss, full);
        var m = Harness.Measure(view, quick ? new Sampling(5, 0, 1.0, 3) : new Sampling(11, 0, 2.0, 5));
        graphs.Add((view, m));
        Console.WriteLine($"  ours {view.Name,-14} {TorchTwin.Format(m.Seconds)}   {view.Drawn} of {view.Nodes} nodes drawn, {view.HtmlChars} chars of HTML, allocated {m.BytesPerStep:F0} B/call");
    }
}

// The whole-notebook run (ours only; --notebooks or --sections notebooks).
List<NotebookTimes.Result> notebookTimes = [];
if (sections.Contains("notebooks"))
{
    Console.WriteLine($"[{wall.Elapsed.TotalSeconds:F0} s] notebooks (tools/Backprop.Notebooks, one process per notebook, wall time):");
    notebookTimes = NotebookTimes.Run(repo, int.Parse(Option("--notebook-runs") ?? "1"), Option("--packages"));
}
// Fashion-MNIST training (issue 14): ours, then the twin (torch 1 / BLAS 2, its best setting for mlp64).
FashionTraining.Result? fashionOurs = null, fashionTorch = null;
string fashionThreads = Option("--fashion-torch-threads") ?? "1:2";
if (sections.Contains("fashion") && Backprop.Data.FashionMnist.Find() is null)
    Console.WriteLine($"warning: Fashion-MNIST not found in {string.Join(", ", Backprop.Data.FashionMnist.SearchDirectories())} (install Debian's dataset-fashion-mnist or set FASHION_MNIST_DIR); skipping the fashion section");
else if (sections.Contains("fashion"))
{
    // Alternating rounds (ours, then PyTorch); each side keeps its round that reached 85 % soonest (else its fastest).
    int fashionRounds = int.Parse(Option("--fashion-rounds") ?? "2", CultureInfo.InvariantCulture);
    static double Score(FashionTraining.Result r) => r.FirstReaching(FashionTraining.TargetAccuracy)?.Seconds ?? 1e6 + r.EpochSeconds.Sum();
    for (int round = 1; round <= fashionRounds; round++)
    {
        var training = new FashionTraining(epochs: 5, minEpochs: 2);
        string dir = TorchTwin.Export([training], "fashion.json");
        Console.WriteLine($"[{wall.Elapsed.TotalSeconds:F0} s] Fashion-MNIST round {round}/{fashionRounds}, Backprop.NET (at least {training.MinEpochs}, at most {training.Epochs} epochs; load average {LoadAverage()}):");
        var mine = training.Run();
        Console.WriteLine($"  ours epochs {string.Join(", ", mine.EpochSeconds.Select(e => $"{e:F3} s"))}; to 85 %: {mine.FirstReaching(FashionTraining.TargetAccuracy)?.Seconds:F3} s");
        Console.WriteLine($"[{wall.Elapsed.TotalSeconds:F0} s] Fashion-MNIST round {round}/{fashionRounds}, PyTorch twin ({fashionThreads}; load average {LoadAverage()}):");
        var theirs = FashionFromTwin(TorchTwin.Run(script, dir, quick, [fashionThreads], python, blasDir, "fashion.json"));
        if (fashionOurs is null || Score(mine) < Score(fashionOurs)) fashionOurs = mine;
        if (fashionTorch is null || Score(theirs) < Score(fashionTorch)) fashionTorch = theirs;
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}

// Curves (issue 14): SVG charts in docs/ and a Markdown block for docs/performance.md.
Curves.Result? curves = null;
string curvesLoad = "";
if (sections.Contains("curves"))
{
    Console.WriteLine($"[{wall.Elapsed.TotalSeconds:F0} s] curves: GEMM sizes, MLP batches (ours, then PyTorch), graph views, backward (ours); load average {LoadAverage()}:");
    curves = Curves.Run(w =>
    {
        string dir = TorchTwin.Export(w, "curves.json");
        var r = TorchTwin.Run(script, dir, quick, (Option("--curves-torch-threads") ?? "2:1,1:2").Split(','), python, blasDir, "curves.json", Curves.Light.ForTwin());
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        return r;
    }, Console.WriteLine);
    curvesLoad = LoadAverage();
}
long[] cpuAfter = CpuTimes();

// ---- Summary (also pasted into docs/performance.md by --markdown FILE) ----
var summary = new List<string>();
void Say(string line)
{
    Console.WriteLine(line);
    summary.Add(line);
}
Console.WriteLine();
Say($"== summary ({(quick ? "quick" : "full")} mode, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {wall.Elapsed.TotalSeconds:F0} s wall) ==");
Say($"machine: {machine}; {CpuModel()}");
Say($"load average after: {LoadAverage()}; CPU time stolen by other guests during the run: {StealPercent(cpuBefore, cpuAfter):F1}%");
if (sections.Contains("core"))
{
    // Same weights, same data: the first loss of each MLP must agree (fp32, so to ~1e-5 relative).
    foreach (var w in workloads)
        if (w.Check is double mine && torch.TryGetValue(w.Name, out var t) && t.Check is double theirs)
            Say($"check {w.Name} first loss: ours {mine:G7}, pytorch {theirs:G7}" +
                (Math.Abs(mine - theirs) <= 1e-4 * Math.Max(1, Math.Abs(theirs)) ? " (agree)" : " (DIFFER: twins are not the same computation)"));
    Say("workload          ours          pytorch       ratio    pytorch setting");
    foreach (var w in workloads)
        Say(torch.TryGetValue(w.Name, out var t)
            ? $"{w.Name,-12} {TorchTwin.Format(ours[w.Name])}  {TorchTwin.Format(t.Seconds)}  {ours[w.Name] / t.Seconds,7:F4}   {t.Threads}"
            : $"{w.Name,-12} {TorchTwin.Format(ours[w.Name])}  (no pytorch figure)");
    Say($"{scalar.Name,-12} {TorchTwin.Format(scalarSeconds)}  (ours only)");
    Say($"gemm1024: ours {2e-9 * 1024 * 1024 * 1024 / ours["gemm1024"]:F1} GFLOP/s" +
        (torch.TryGetValue("gemm1024", out var g) ? $", pytorch {2e-9 * 1024 * 1024 * 1024 / g.Seconds:F1} GFLOP/s ({g.Threads})" : ""));
}
if (oursExtra.Count > 0)
{
    var gemms = extras.OfType<GemmShape>().ToList();
    if (gemms.Count > 0)
    {
        Say("GEMM (fp32, C = op(A)·op(B); n = as stored, t = transposed)   ours: GFLOP/s  ms | pytorch: GFLOP/s  ms  setting | ratio (time)");
        foreach (var w in gemms)
        {
            double mine = oursExtra[w.Name].Seconds;
            string theirs = torch.TryGetValue(w.Name, out var t)
                ? $"{w.Flops * 1e-9 / t.Seconds,6:F1} {t.Seconds * 1e3,8:F4}  {t.Threads,-17} | {mine / t.Seconds:F3}"
                : "n/a";
            Say($"  {w.Name,-20} {w.What,-34} {w.Flops * 1e-9 / mine,6:F1} {mine * 1e3,8:F4} | {theirs}");
        }
    }
    var elementwise = extras.OfType<Elementwise>().ToList();
    if (elementwise.Count > 0)
    {
        Say("elementwise / softmax (fp32, no grad; GB/s = bytes read + written / time)   ours: GB/s  µs | pytorch: GB/s  µs  setting | ratio (time)");
        foreach (var w in elementwise)
        {
            double mine = oursExtra[w.Name].Seconds;
            string theirs = torch.TryGetValue(w.Name, out var t)
                ? $"{w.Bytes * 1e-9 / t.Seconds,6:F1} {t.Seconds * 1e6,9:F1}  {t.Threads,-17} | {mine / t.Seconds:F3}"
                : "n/a";
            Say($"  {w.Name,-20} {w.Bytes * 1e-9 / mine,6:F1} {mine * 1e6,9:F1} | {theirs}");
        }
    }
}
foreach (var (view, m) in graphs)
    Say($"{view.Name}: {view.Drawn} of {view.Nodes} nodes drawn, {view.HtmlChars / 1e6:F2} M chars of HTML: ours {m.Seconds * 1e3:F1} ms");
foreach (var n in notebookTimes)
    Say($"notebook {n.Name}: {n.WallSeconds:F1} s wall" + (n.CellSeconds is double c ? $" ({c:F1} s in the runner's session)" : "") + (n.Ok ? "" : " FAILED"));
if (notebookTimes.Count > 0)
    Say($"notebooks total: {notebookTimes.Sum(n => n.WallSeconds):F1} s wall");
if (fashionOurs is not null && fashionTorch is not null)
{
    Say($"fashion (784-256-128-10 ReLU, batch 64, Adam 1e-3; test accuracy every quarter epoch; PyTorch {fashionThreads}):");
    Say($"check fashion first loss: ours {fashionOurs.FirstLoss:G7}, pytorch {fashionTorch.FirstLoss:G7}");
    for (int e = 0; e < Math.Max(fashionOurs.EpochSeconds.Length, fashionTorch.EpochSeconds.Length); e++)
        Say($"  epoch {e + 1}: ours {Seconds(fashionOurs.EpochSeconds, e)} (test accuracy {Report.EpochAccuracy(fashionOurs, e)}), pytorch {Seconds(fashionTorch.EpochSeconds, e)} (test accuracy {Report.EpochAccuracy(fashionTorch, e)})");
}
foreach (var (name, b) in bytes) Say($"allocated {name} {b:F0}");
foreach (var (name, m) in oursExtra) Say($"allocated {name} {m.BytesPerStep:F0}");
foreach (var (view, m) in graphs) Say($"allocated {view.Name} {m.BytesPerStep:F0}");
foreach (var w in extras)
    if (torch.TryGetValue(w.Name, out var t)) Say($"ratio {w.Name} {oursExtra[w.Name].Seconds / t.Seconds:F4}");
if (sections.Contains("core"))
{
    foreach (var w in workloads)
        Say(torch.TryGetValue(w.Name, out var t)
            ? $"ratio {w.Name} {ours[w.Name] / t.Seconds:F4}"
            : $"ratio {w.Name} NaN");
}
if (fashionOurs is not null && fashionTorch is not null)
{
    const int samplesPerEpoch = 60000;
    Say($"time fashion-epoch ours {fashionOurs.EpochSeconds[0]:F3} s ({samplesPerEpoch / fashionOurs.EpochSeconds[0]:F0} samples/s)");
    Say($"time fashion-epoch torch {fashionTorch.EpochSeconds[0]:F3} s ({samplesPerEpoch / fashionTorch.EpochSeconds[0]:F0} samples/s)");
    Say($"ratio fashion-epoch {fashionOurs.EpochSeconds[0] / fashionTorch.EpochSeconds[0]:F4}");
    Say($"ratio fashion-epoch-best {fashionOurs.EpochSeconds.Min() / fashionTorch.EpochSeconds.Min():F4}");
    foreach (var (side, r) in new[] { ("ours", fashionOurs), ("torch", fashionTorch) })
        Say(r.FirstReaching(FashionTraining.TargetAccuracy) is { } e
            ? $"time fashion-to-85 {side} {e.Seconds:F3} s (step {e.Step}, epoch {(e.Step - 1) / FashionTraining.StepsPerEpoch + 1}, accuracy {e.Accuracy:F4})"
            : $"time fashion-to-85 {side} NaN (not reached; best accuracy {r.Evaluations.Max(v => v.Accuracy):F4})");
}
if (sections.Contains("core"))
    Say($"time scalar-demo-step {scalarSeconds * 1e3:F3}");
if (Option("--markdown") is string markdownPath)
{
    string header = $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {(quick ? "quick" : "full")} mode " +
        $"(`dotnet run -c Release --project bench/Backprop.Benchmarks -- {string.Join(' ', args)}`), " +
        $"commit {GitCommit(repo)}; {machine}; {CpuModel()}. Load average after the run: {LoadAverage()}.";
    if (sections.Overlaps(["core", "gemm", "elementwise", "graph", "notebooks"]))
        Report.Write(markdownPath, Report.Markdown(new Report.Run(header, workloads, ours, scalarSeconds, extras, oursExtra, torch, bytes,
            graphs, notebookTimes, summary)));
    if (fashionOurs is not null && fashionTorch is not null)
        Report.Write(markdownPath, Report.Fashion(header, fashionOurs, fashionTorch, fashionThreads), "fashion");
    if (curves is not null)
        Report.Write(markdownPath, Curves.Write(curves, Path.GetDirectoryName(Path.GetFullPath(markdownPath))!, header + $" Load average after the curves: {curvesLoad}."), "curves");
    Console.WriteLine($"figures written to {Path.GetFullPath(markdownPath)}");
}
return notebookTimes.All(n => n.Ok) ? 0 : 1;

static string Seconds(double[] s, int i) => i < s.Length ? $"{s[i]:F3} s" : "—";

// The twin's "fashion-epoch-<e> <seconds> [first loss]" and "fashion-eval-<step> <seconds> <accuracy>" lines.
static FashionTraining.Result FashionFromTwin(Dictionary<string, TorchTwin.Result> lines)
{
    var epochs = lines.Where(l => l.Key.StartsWith("fashion-epoch-", StringComparison.Ordinal))
        .OrderBy(l => int.Parse(l.Key["fashion-epoch-".Length..], CultureInfo.InvariantCulture)).ToList();
    var evaluations = lines.Where(l => l.Key.StartsWith("fashion-eval-", StringComparison.Ordinal))
        .Select(l => new FashionTraining.Evaluation(int.Parse(l.Key["fashion-eval-".Length..], CultureInfo.InvariantCulture), l.Value.Seconds, l.Value.Check ?? double.NaN))
        .OrderBy(e => e.Step).ToList();
    return new FashionTraining.Result([.. epochs.Select(e => e.Value.Seconds)], evaluations, epochs.Count > 0 ? epochs[0].Value.Check : null);
}

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

static string CpuModel()
{
    if (!File.Exists("/proc/cpuinfo")) return "cpu n/a";
    string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
    return line is null ? "cpu n/a" : line[(line.IndexOf(':') + 1)..].Trim();
}

static string GitCommit(string repo)
{
    try
    {
        var psi = new System.Diagnostics.ProcessStartInfo("git", "rev-parse --short HEAD") { WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        string head = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        psi.Arguments = "status --porcelain --untracked-files=no";
        using var q = System.Diagnostics.Process.Start(psi)!;
        bool dirty = q.StandardOutput.ReadToEnd().Trim().Length > 0;
        q.WaitForExit();
        return p.ExitCode == 0 ? head + (dirty ? " (with uncommitted changes)" : "") : "unknown";
    }
    catch (System.ComponentModel.Win32Exception) { return "unknown"; }
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
