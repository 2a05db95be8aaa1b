// Measures Gemm.Multiply throughput in GFLOP/s (2·m·n·k flops per call).
// Usage: dotnet run -c Release --project bench/GemmBench [m n k]...
//        dotnet run -c Release --project bench/GemmBench -- --peak   (FMA peak, one core and all cores)
// Single-core figures: run under `taskset -c 0` (Environment.ProcessorCount follows the affinity mask).
// On a shared machine, "cpu/wall" well below the thread count means other processes took the cores
// and the figures are not meaningful.
using System.Diagnostics;
using Backprop.Kernels;

var numbers = args.Where(a => !a.StartsWith("--")).Select(int.Parse).ToArray();
var shapes = numbers.Length >= 3
    ? Enumerable.Range(0, numbers.Length / 3).Select(i => (numbers[3 * i], numbers[3 * i + 1], numbers[3 * i + 2])).ToArray()
    : [(1024, 1024, 1024), (256, 256, 256), (64, 256, 784), (64, 784, 256)];

Console.WriteLine($"cores: {Environment.ProcessorCount}, " +
    $"avx512: {System.Runtime.Intrinsics.X86.Avx512F.IsSupported}, fma: {System.Runtime.Intrinsics.X86.Fma.IsSupported}");
if (args.Contains("--peak"))
{
    Console.WriteLine($"FMA peak, one core: {Peak.SingleCoreGflops():F1} GFLOP/s");
    var sw = Stopwatch.StartNew();
    var self = Process.GetCurrentProcess();
    TimeSpan cpu0 = self.TotalProcessorTime;
    double[] perThread = new double[Environment.ProcessorCount];
    Parallel.For(0, perThread.Length, t => perThread[t] = Peak.SingleCoreGflops());
    self.Refresh();
    double ratio = (self.TotalProcessorTime - cpu0).TotalSeconds / sw.Elapsed.TotalSeconds;
    Console.WriteLine($"FMA peak, {perThread.Length} threads at once: {string.Join(" + ", perThread.Select(g => g.ToString("F1")))} GFLOP/s, cpu/wall {ratio:F2}");
    return;
}
foreach (var (m, n, k) in shapes)
    foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false) })
    {
        var rng = new Backprop.Rng(1);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.Uniform(-1, 1);
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.Uniform(-1, 1);
        int lda = ta ? m : k, ldb = tb ? k : n;
        double flops = 2.0 * m * n * k;
        int reps = Math.Max(3, (int)(3e9 / flops));
        for (int r = 0; r < 3; r++) Gemm.Multiply(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
        double best = double.MaxValue;
        var process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (int trial = 0; trial < 5; trial++)
        {
            var sw = Stopwatch.StartNew();
            for (int r = 0; r < reps; r++) Gemm.Multiply(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
            best = Math.Min(best, sw.Elapsed.TotalSeconds / reps);
        }
        process.Refresh();
        double cpuPerWall = (process.TotalProcessorTime - cpuBefore).TotalSeconds / wall.Elapsed.TotalSeconds;
        Console.WriteLine($"{m}x{n}x{k} tA={ta,-5} tB={tb,-5}: {flops / best / 1e9,7:F1} GFLOP/s ({best * 1e3:F3} ms), cpu/wall {cpuPerWall:F2}");
    }
