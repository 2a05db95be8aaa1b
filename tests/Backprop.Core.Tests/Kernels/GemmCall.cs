using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Core.Tests.Kernels;

/// <summary>The kernel tests' GEMM call: either dtype, on a forced micro-kernel family and strategy (restored after).</summary>
internal static class GemmCall
{
    /// <summary>α·op(A)·op(B) + β·C₀ computed into a copy of <paramref name="c0"/> on <paramref name="path"/> and
    /// <paramref name="strategy"/> (stored A is m×k, or k×m transposed; B k×n, or n×k).</summary>
    public static T[] Product<T>(GemmPath path, GemmStrategy strategy, bool ta, bool tb, int m, int n, int k, double alpha,
        T[] a, int lda, T[] b, int ldb, double beta, T[] c0, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] c = (T[])c0.Clone();
        GemmPath savedPath = Gemm.ForcedPath;
        GemmStrategy savedStrategy = Gemm.ForcedStrategy;
        Gemm.ForcedPath = path;
        Gemm.ForcedStrategy = strategy;
        try
        {
            if (typeof(T) == typeof(float))
                Gemm.Multiply(ta, tb, m, n, k, (float)alpha, (float[])(object)a, lda, (float[])(object)b, ldb, (float)beta, (float[])(object)c, ldc);
            else
                Gemm.Multiply(ta, tb, m, n, k, alpha, (double[])(object)a, lda, (double[])(object)b, ldb, beta, (double[])(object)c, ldc);
        }
        finally
        {
            Gemm.ForcedPath = savedPath;
            Gemm.ForcedStrategy = savedStrategy;
        }
        return c;
    }

    /// <summary>Standard normal values of <typeparamref name="T"/>.</summary>
    public static T[] Random<T>(int count, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = new T[count];
        for (int i = 0; i < count; i++) x[i] = T.CreateTruncating(rng.NextGaussian());
        return x;
    }
}
