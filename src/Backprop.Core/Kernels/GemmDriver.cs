using System.Numerics;

namespace Backprop.Kernels;

/// <summary>
/// The Goto/BLIS loop nest around a micro-kernel, and the split of large products across cores.
/// </summary>
internal static unsafe class GemmDriver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Products with m·n·k at or above this (2²⁰ ≈ 100³, about 50 µs on one Zen 1 core) are split
    /// across cores: below it the handoff to a pool thread and the duplicated packing of the shared
    /// operand cost about as much as the half of the work they save.
    /// </summary>
    public const long ParallelThreshold = 1L << 20;

    /// <summary>
    /// Runs <paramref name="problem"/> (k ≥ 1, α ≠ 0, m, n ≥ 1): small products directly, the others
    /// packed, on the micro-kernel family <paramref name="path"/>.
    /// </summary>
    public static void Run(in GemmProblem<T> problem, GemmPath path, GemmStrategy strategy)
    {
        if (strategy == GemmStrategy.Direct ||
            (strategy == GemmStrategy.Auto && GemmDirect<T>.Suits(problem)))
        {
            if (strategy == GemmStrategy.Auto && GemmDirect<T>.TryRunInHalves(problem)) return;
            GemmDirect<T>.Run(problem);
            return;
        }
        switch (path)
        {
            case GemmPath.Avx512: Split<Avx512MicroKernel<T>>(problem); break;
            case GemmPath.Avx2: Split<Avx2MicroKernel<T>>(problem); break;
            default: Split<ScalarMicroKernel<T>>(problem); break;
        }
    }

    /// <summary>
    /// Cuts C into one slab per core along its longer side (rows in multiples of MR, columns in
    /// multiples of NR) and runs the slabs in parallel; each slab packs its own panels.
    /// </summary>
    private static void Split<TKernel>(GemmProblem<T> problem) where TKernel : IGemmMicroKernel<T>
    {
        int cores = Environment.ProcessorCount;
        long work = (long)problem.M * problem.N * problem.K;
        bool byColumns = problem.N >= problem.M;
        int extent = byColumns ? problem.N : problem.M;
        int step = byColumns ? TKernel.NR : TKernel.MR;
        int slab = GemmBlocking.RoundUp((extent + cores - 1) / cores, step);
        int slabs = (extent + slab - 1) / slab;
        if (cores < 2 || work < ParallelThreshold || slabs < 2)
        {
            Sequential<TKernel>(problem);
            return;
        }
        Slabs<TKernel>(problem, byColumns, extent, slab, slabs);
    }

    /// <summary>
    /// Runs the slabs of C in parallel: two slabs on the calling thread and <see cref="SecondThread"/>
    /// (no allocation), otherwise, or when that thread is busy, on the thread pool (kept apart so the
    /// other paths allocate no closure).
    /// </summary>
    private static void Slabs<TKernel>(GemmProblem<T> problem, bool byColumns, int extent, int slab, int slabs)
        where TKernel : IGemmMicroKernel<T>
    {
        if (slabs == 2)
        {
            int rest = extent - slab;
            var first = new Slab<TKernel>(byColumns ? problem.Columns(0, slab) : problem.Rows(0, slab));
            var second = new Slab<TKernel>(byColumns ? problem.Columns(slab, rest) : problem.Rows(slab, rest));
            if (SecondThread.TryRunHalves(first, second)) return;
        }
        ThreadPoolSlabs<TKernel>(problem, byColumns, extent, slab, slabs);
    }

    /// <summary>One slab of C, computed by the packed loop nest on whichever thread runs it.</summary>
    private readonly struct Slab<TKernel>(GemmProblem<T> problem) : IHalf where TKernel : IGemmMicroKernel<T>
    {
        public void Run() => Sequential<TKernel>(problem);
    }

    private static void ThreadPoolSlabs<TKernel>(GemmProblem<T> problem, bool byColumns, int extent, int slab, int slabs)
        where TKernel : IGemmMicroKernel<T>
    {
        Parallel.For(0, slabs, s =>
        {
            int start = s * slab, count = Math.Min(slab, extent - start);
            Sequential<TKernel>(byColumns ? problem.Columns(start, count) : problem.Rows(start, count));
        });
    }

    /// <summary>
    /// The single-threaded blocked product on the calling thread. Every element of C is one chain of fused
    /// multiply-adds in k order, started from β·C (0 when β = 0) and continued across the k slices through C
    /// itself, with α folded into the packed A (α·a, exact when α = 1): the result does not depend on KC, MC,
    /// NC, the micro-kernel's tile or vector width, or how C is split between threads.
    /// </summary>
    private static void Sequential<TKernel>(in GemmProblem<T> p) where TKernel : IGemmMicroKernel<T>
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int kcMax = GemmBlocking.SliceDepth(p.K, GemmBlocking.KC<T>(nr));
        int mcMax = GemmBlocking.MC<T>(mr);
        int ncMax = GemmBlocking.NC<T>(nr);
        T* packedA = GemmBuffers<T>.PackedA(GemmBlocking.RoundUp(Math.Min(mcMax, p.M), mr) * kcMax + GemmPacking.PackedASlack);
        T* packedB = GemmBuffers<T>.PackedB(GemmBlocking.RoundUp(Math.Min(ncMax, p.N), nr) * kcMax);
        T* edge = stackalloc T[mr * nr];

        for (int jc = 0; jc < p.N; jc += ncMax)
        {
            int nc = Math.Min(ncMax, p.N - jc);
            for (int pc = 0; pc < p.K; pc += kcMax)
            {
                int kc = Math.Min(kcMax, p.K - pc);
                // The first slice of k starts each sum from β·C; later slices continue it from C.
                T beta = pc == 0 ? p.Beta : T.One;
                GemmPacking.PackB<T, TKernel>(p.TransposeB, p.B, p.Ldb, pc, jc, kc, nc, packedB);
                for (int ic = 0; ic < p.M; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, p.M - ic);
                    GemmPacking.PackA<T, TKernel>(p.TransposeA, p.A, p.Lda, ic, pc, mc, kc, packedA);
                    if (p.Alpha != T.One) Scale(packedA, GemmBlocking.RoundUp(mc, mr) * kc, p.Alpha);
                    Macro<TKernel>(mc, nc, kc, packedA, packedB, p.C + ic * p.Ldc + jc, p.Ldc, beta, edge);
                }
            }
        }
    }

    private static void Scale(T* x, int count, T alpha)
    {
        for (int i = 0; i < count; i++) x[i] *= alpha;
    }

    /// <summary>
    /// One packed mc×kc block of A times one packed kc×nc block of B into C. Full tiles go straight
    /// to C; ragged edge tiles are computed in <paramref name="edge"/> (their valid part of C copied in
    /// first when β ≠ 0) and only their valid part is written back.
    /// </summary>
    private static void Macro<TKernel>(int mc, int nc, int kc, T* packedA, T* packedB, T* c, nint ldc,
        T beta, T* edge) where TKernel : IGemmMicroKernel<T>
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            T* panelB = packedB + jr * kc;
            for (int ir = 0; ir < mc; ir += mr)
            {
                int rows = Math.Min(mr, mc - ir);
                T* panelA = packedA + ir * kc;
                T* tile = c + ir * ldc + jr;
                if (rows == mr && cols == nr)
                {
                    TKernel.Run(kc, panelA, panelB, tile, ldc, beta);
                    continue;
                }
                if (beta != T.Zero)
                    for (int i = 0; i < rows; i++)
                        new ReadOnlySpan<T>(tile + i * ldc, cols).CopyTo(new Span<T>(edge + i * nr, cols));
                TKernel.Run(kc, panelA, panelB, edge, nr, beta);
                for (int i = 0; i < rows; i++)
                    new ReadOnlySpan<T>(edge + i * nr, cols).CopyTo(new Span<T>(tile + i * ldc, cols));
            }
        }
    }
}
