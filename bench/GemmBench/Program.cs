// Measures Gemm.Multiply throughput in GFLOP/s (2·m·n·k flops per call).
// Usage: dotnet run -c Release --project bench/GemmBench -- [--set big|mlp|tiny|all] [m n k]... [--baseline DIR]
//        dotnet run -c Release --project bench/GemmBench -- --peak   (FMA peak, one core and all cores,
//        and the micro-kernel's register tile looping over L1-resident panels)
// --set mlp: the exact calls Linear makes in the 784-256-128-10 MLP at batch 64 and 256 (forward
// x·Wᵀ with β = 1, ∂x = δ·W, ∂W = δᵀ·x); --set tiny: the 2-16-16-1 MLP at batch 100.
// --baseline DIR: also loads DIR/Backprop.Core.dll (a build of another commit) and times it in the
// same process, interleaved with the current build, round by round (same-process A/B).
// --strategies: also times the current build with the packed and the direct strategy forced.
// Single-core figures: run under `taskset -c 0` (Environment.ProcessorCount follows the affinity mask).
// Columns: best wall-clock GFLOP/s, median wall-clock GFLOP/s, and GFLOP per CPU-second of the
// process (on a machine shared with other jobs, the wall figures drop while the CPU figure estimates
// an idle core; with 2 threads, CPU time also counts the second thread's waiting).
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using Backprop.Kernels;

var baselineDir = Option("--baseline");
var set = Option("--set");
var numbers = args.Where((a, i) => !a.StartsWith("--") && (i == 0 || !args[i - 1].StartsWith("--"))).Select(int.Parse).ToArray();

Console.WriteLine($"cores: {Environment.ProcessorCount}, " +
    $"avx512: {System.Runtime.Intrinsics.X86.Avx512F.IsSupported}, fma: {System.Runtime.Intrinsics.X86.Fma.IsSupported}");
if (args.Contains("--peak"))
{
    var (wall, cpu) = Peak.SingleCoreGflops();
    Console.WriteLine($"FMA peak, one thread: {wall:F1} GFLOP/s wall, {cpu:F1} GFLOP per thread CPU-second");
    var perThread = new (double Wall, double Cpu)[Environment.ProcessorCount];
    Parallel.For(0, perThread.Length, t => perThread[t] = Peak.SingleCoreGflops());
    Console.WriteLine($"FMA peak, {perThread.Length} threads at once: wall {string.Join(" + ", perThread.Select(g => g.Wall.ToString("F1")))} GFLOP/s, " +
        $"per thread CPU-second {string.Join(" + ", perThread.Select(g => g.Cpu.ToString("F1")))}");
    var (tile6x16, tile4x24) = TileLoop.Gflops();
    Console.WriteLine($"register tiles in L1, one thread: 6x16 {tile6x16:F1}, 4x24 {tile4x24:F1} GFLOP per thread CPU-second");
    return;
}

var shapes = new List<Call>();
for (int i = 0; i + 2 < numbers.Length; i += 3)
    foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false) })
        shapes.Add(new Call("", ta, tb, numbers[i], numbers[i + 1], numbers[i + 2], 0));
if (set is "big" or "all" || (set is null && shapes.Count == 0))
    shapes.Add(new Call("gemm1024", false, false, 1024, 1024, 1024, 0));
if (set is "mlp" or "all")
    foreach (int batch in new[] { 64, 256 })
        shapes.AddRange(LinearCalls($"mlp{batch}", [784, 256, 128, 10], batch));
if (set is "tiny" or "all")
    shapes.AddRange(LinearCalls("tiny", [2, 16, 16, 1], 100));

var variants = new List<(string Name, Sgemm Run)> { ("current", Gemm.Multiply) };
if (args.Contains("--strategies"))
{
    // Gemm.ForcedStrategy is internal (a test hook): set through reflection, per call, on this thread.
    var property = typeof(Gemm).GetProperty("ForcedStrategy", BindingFlags.NonPublic | BindingFlags.Static)!;
    foreach (string strategy in new[] { "Packed", "Direct" })
    {
        object forced = Enum.Parse(property.PropertyType, strategy), auto = Enum.ToObject(property.PropertyType, 0);
        variants.Add((strategy.ToLowerInvariant(), (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) =>
        {
            property.SetValue(null, forced);
            Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            property.SetValue(null, auto);
        }));
    }
}
if (baselineDir is not null)
{
    var context = new AssemblyLoadContext("baseline", isCollectible: false);
    var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(Path.Combine(baselineDir, "Backprop.Core.dll")));
    var method = assembly.GetType("Backprop.Kernels.Gemm")!.GetMethod("Multiply",
        [typeof(bool), typeof(bool), typeof(int), typeof(int), typeof(int), typeof(float), typeof(ReadOnlySpan<float>), typeof(int),
         typeof(ReadOnlySpan<float>), typeof(int), typeof(float), typeof(Span<float>), typeof(int)])!;
    variants.Add(("baseline", method.CreateDelegate<Sgemm>()));
}

// Warm-up: let tiered compilation finish (Tier0 → Tier1 in the background) before the first shape is timed.
{
    float[] wa = new float[96 * 96], wb = new float[96 * 96], wc = new float[96 * 96];
    var warm = Stopwatch.StartNew();
    while (warm.ElapsedMilliseconds < 1500)
        foreach (var (_, run) in variants)
            foreach (int size in new[] { 8, 40, 96 })
                foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false) })
                    run(ta, tb, size, size, size, 1f, wa, size, wb, size, 1f, wc, size);
}

Console.WriteLine($"{"call",-34} {"variant",-9} {"best",7} {"median",7} {"per-cpu",7}  (GFLOP/s)   best time   alloc/call");
foreach (var call in shapes)
{
    var rng = new Backprop.Rng(1);
    var (ta, tb, m, n, k) = (call.TransposeA, call.TransposeB, call.M, call.N, call.K);
    float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
    for (int i = 0; i < a.Length; i++) a[i] = (float)rng.Uniform(-1, 1);
    for (int i = 0; i < b.Length; i++) b[i] = (float)rng.Uniform(-1, 1);
    int lda = ta ? m : k, ldb = tb ? k : n;
    double flops = 2.0 * m * n * k;
    // About 20 ms of work per sample on an idle machine, at least 3 calls.
    int reps = Math.Max(3, (int)(0.5e9 / flops));
    const int rounds = 15;
    var wall = new double[variants.Count][];
    var cpu = new double[variants.Count];
    for (int v = 0; v < variants.Count; v++)
    {
        wall[v] = new double[rounds];
        for (int r = 0; r < 3 * reps; r++) variants[v].Run(ta, tb, m, n, k, 1f, a, lda, b, ldb, call.Beta, c, n);
    }
    double[] cpuSeconds = new double[variants.Count];
    long[] allocated = new long[variants.Count];
    for (int round = 0; round < rounds; round++)
        for (int v = 0; v < variants.Count; v++)
        {
            var sgemm = variants[v].Run;
            long bytes0 = GC.GetTotalAllocatedBytes(precise: true);
            double cpu0 = CpuClock.Process();
            long t0 = Stopwatch.GetTimestamp();
            for (int r = 0; r < reps; r++) sgemm(ta, tb, m, n, k, 1f, a, lda, b, ldb, call.Beta, c, n);
            wall[v][round] = Stopwatch.GetElapsedTime(t0).TotalSeconds / reps;
            cpuSeconds[v] += CpuClock.Process() - cpu0;
            allocated[v] += GC.GetTotalAllocatedBytes(precise: true) - bytes0;
        }
    for (int v = 0; v < variants.Count; v++)
    {
        Array.Sort(wall[v]);
        double perCpu = flops * reps * rounds / cpuSeconds[v] / 1e9;
        string label = $"{call.Name} {m}x{n}x{k} {(ta ? "T" : "N")}{(tb ? "T" : "N")}{(call.Beta == 0 ? "" : " b=1")}";
        Console.WriteLine($"{label,-34} {variants[v].Name,-9} {flops / wall[v][0] / 1e9,7:F1} {flops / wall[v][rounds / 2] / 1e9,7:F1} {perCpu,7:F1}  {Time(wall[v][0]),12} {allocated[v] / (reps * rounds),8} B");
    }
}

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string Time(double seconds) => seconds >= 1e-3 ? $"{seconds * 1e3:F3} ms" : $"{seconds * 1e6:F2} µs";

// The GEMM calls Functional.Linear makes for an MLP with these layer sizes at this batch: forward
// z = x·Wᵀ + b (bias copied into z first, so β = 1), backward ∂x += δ·W (not for the first layer,
// whose input needs no gradient) and ∂W += δᵀ·x (β = 1 onto the zeroed gradient).
static IEnumerable<Call> LinearCalls(string name, int[] sizes, int batch)
{
    for (int l = 0; l + 1 < sizes.Length; l++)
    {
        int inF = sizes[l], outF = sizes[l + 1];
        yield return new Call($"{name} fwd{l}", false, true, batch, outF, inF, 1);
        if (l > 0) yield return new Call($"{name} dx{l}", false, false, batch, inF, outF, 1);
        yield return new Call($"{name} dW{l}", true, false, outF, inF, batch, 1);
    }
}

delegate void Sgemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
    ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc);

record Call(string Name, bool TransposeA, bool TransposeB, int M, int N, int K, float Beta);
