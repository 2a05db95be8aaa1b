using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Core.Tests.Kernels;

/// <summary>
/// The packed GEMM's fixed rounding order (docs/reproducibility.md), bit for bit: every micro-kernel family
/// and any cache blocking (KC, MC, NC, forced through <see cref="GemmBlocking.Override"/>) give exactly
/// s ← β·C, s ← fma(α·a[i, q], b[q, j], s) for q in order — computed here by a plain loop. (The direct path
/// for small products has one implementation for all paths; DeterminismTests covers it across SIMD settings.)
/// </summary>
public class GemmOrderTests
{
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (3, 5, 7), (9, 17, 33), (17, 9, 129), (8, 32, 256), (13, 40, 257), (50, 70, 300), (145, 33, 90),
        (7, 300, 41), (64, 10, 128), (130, 130, 130),
    ];

    private static readonly (int KC, int MC, int NC)[] Blockings = [(0, 0, 0), (1, 1, 1), (7, 13, 17), (64, 48, 64), (100, 200, 300), (512, 1000, 4000)];

    private static readonly GemmPath[] Paths = [GemmPath.Auto, GemmPath.Avx512, GemmPath.Avx2, GemmPath.Scalar];

    [Fact]
    public void Float_EveryPathAndBlocking_FollowsTheFixedOrder() => Check<float>();

    [Fact]
    public void Double_EveryPathAndBlocking_FollowsTheFixedOrder() => Check<double>();

    private static void Check<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng(11);
        var failures = new List<string>();
        foreach (var (m, n, k) in Shapes)
            foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
                foreach (var (alpha, beta) in new[] { (1.0, 0.0), (1.0, 1.0), (-0.75, 1.5) })
                {
                    T[] a = Random<T>(m * k, rng), b = Random<T>(k * n, rng), c0 = Random<T>(m * n, rng);
                    T[] expected = Reference(ta, tb, m, n, k, T.CreateTruncating(alpha), a, b, T.CreateTruncating(beta), c0);
                    foreach (GemmPath path in Paths)
                        foreach (var blocking in Blockings)
                        {
                            T[] c = (T[])c0.Clone();
                            Run(path, GemmStrategy.Packed, blocking, () => Multiply(ta, tb, m, n, k, T.CreateTruncating(alpha), a, b, T.CreateTruncating(beta), c));
                            if (!c.AsSpan().SequenceEqual(expected))
                                failures.Add($"{m}x{n}x{k} ta={ta} tb={tb} α={alpha} β={beta} {path} blocking {blocking}");
                        }
                }
        Assert.True(failures.Count == 0, $"{failures.Count} products differ from the fixed order:\n" + string.Join("\n", failures.Take(20)));
    }

    private static T[] Reference<T>(bool ta, bool tb, int m, int n, int k, T alpha, T[] a, T[] b, T beta, T[] c0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = new T[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T s = beta == T.Zero ? T.Zero : beta * c0[i * n + j];
                for (int q = 0; q < k; q++)
                {
                    T aiq = ta ? a[q * m + i] : a[i * k + q], bqj = tb ? b[j * k + q] : b[q * n + j];
                    s = T.FusedMultiplyAdd(alpha * aiq, bqj, s);
                }
                c[i * n + j] = s;
            }
        return c;
    }

    private static void Multiply<T>(bool ta, bool tb, int m, int n, int k, T alpha, T[] a, T[] b, T beta, T[] c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lda = ta ? m : k, ldb = tb ? k : n;
        if (typeof(T) == typeof(float))
            Gemm.Multiply(ta, tb, m, n, k, (float)(object)alpha, (float[])(object)a, lda, (float[])(object)b, ldb, (float)(object)beta, (float[])(object)c, n);
        else
            Gemm.Multiply(ta, tb, m, n, k, (double)(object)alpha, (double[])(object)a, lda, (double[])(object)b, ldb, (double)(object)beta, (double[])(object)c, n);
    }

    private static void Run(GemmPath path, GemmStrategy strategy, (int, int, int) blocking, Action body)
    {
        GemmPath savedPath = Gemm.ForcedPath;
        GemmStrategy savedStrategy = Gemm.ForcedStrategy;
        Gemm.ForcedPath = path;
        Gemm.ForcedStrategy = strategy;
        GemmBlocking.Override = blocking;
        try { body(); }
        finally { Gemm.ForcedPath = savedPath; Gemm.ForcedStrategy = savedStrategy; GemmBlocking.Override = default; }
    }

    private static T[] Random<T>(int count, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = new T[count];
        for (int i = 0; i < count; i++) x[i] = T.CreateTruncating(rng.NextGaussian());
        return x;
    }
}
