using System.Numerics;

namespace Backprop.Kernels;

/// <summary>The direct product on both cores: C cut in two, by rows or by columns, one half on <see cref="SecondThread"/>.</summary>
internal static unsafe partial class GemmDirect<T>
{
    /// <summary>
    /// Direct products with m·n·k at or above this (2¹⁶, about 1.3 µs on one core) run in two halves. With the second
    /// thread awake, as it is between the ops of a training step, halves measured 20–50 % faster in probes on a 2-core
    /// Zen 4 from here up to <see cref="Threshold"/>, on the 512- and the 256-bit kernels alike (256·128·10: 6.7–7.0 → 3.9–4.8 µs;
    /// 10·128·256: 7.5 → 4.3–5.3 µs; 64·64·32: 2.4 → 1.6 µs; 64·32·32: 1.3 → 0.9–1.0 µs); when it is asleep, the caller runs
    /// both halves itself (<see cref="SecondThread.Run"/>), at the cost of the hand-off. Some processes run the second half
    /// markedly slower than the first (docs/performance.md; cause not found), and there a split can lose to one core.
    /// </summary>
    public const long SplitThreshold = 1L << 16;

    /// <summary>How many direct products have run in two halves (tests check that a shape really splits).</summary>
    internal static long Splits => Interlocked.Read(ref s_splits);

    /// <summary>
    /// Runs <paramref name="p"/> (a direct product, k ≥ 1, α ≠ 0) in two halves and returns true, or returns false having
    /// run nothing: too small, one core, a C narrower than a vector or computed as dot products (their own kernels), or
    /// the second thread is busy. Rows are cut at a multiple of 8 (m ≥ 64), else columns at a multiple of 32 (n ≥ 64).
    /// Either cut leaves every element's chain of multiply-adds as it was (rows are independent; column blocks start at
    /// multiples of four vectors, as in the whole product), and each half takes the whole's kernels, so the bits do not
    /// change. The dot products stay whole: split, 1·256·784 measured 29 → 80–95 µs, its second half several times slower
    /// than the first on the other core (not explained).
    /// </summary>
    public static bool TryRunInHalves(in GemmProblem<T> p)
    {
        bool byRows = p.M >= 64;
        if ((long)p.M * p.N * p.K < SplitThreshold || p.N < W || DotProducts(p) || !(byRows || p.N >= 64) ||
            Environment.ProcessorCount < 2)
            return false;
        int mid = byRows ? p.M / 2 / 8 * 8 : p.N / 2 / 32 * 32;
        bool wide = Wide;   // the caller's path (Gemm.ForcedPath is per thread)
        var first = new Half(byRows ? p.Rows(0, mid) : p.Columns(0, mid), wide);
        var second = new Half(byRows ? p.Rows(mid, p.M - mid) : p.Columns(mid, p.N - mid), wide);
        if (!SecondThread.TryRunHalves(first, second)) return false;
        Interlocked.Increment(ref s_splits);
        return true;
    }

    private static long s_splits;

    /// <summary>One half of a split direct product, on the caller's kernels.</summary>
    private readonly struct Half(GemmProblem<T> problem, bool wide) : IHalf
    {
        public void Run() => GemmDirect<T>.Run(problem, wide);
    }
}
