using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// A register-blocked micro-kernel: one MR×NR tile of C from a packed MR-row panel of A and a packed
/// NR-column panel of B, both KC deep. Implemented by structs so the loop nest is specialised per
/// kernel and the call inlines.
/// </summary>
internal unsafe interface IGemmMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows of the register tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the register tile.</summary>
    static abstract int NR { get; }

    /// <summary>
    /// For the full MR×NR tile at <paramref name="c"/> (row stride <paramref name="ldc"/>): the running sum
    /// s ← β·C[i, j] (s ← 0 without reading C when β = 0), then s ← fma(a[p·MR + i], b[p·NR + j], s) for
    /// p = 0, 1, …, kc − 1 in order, then C[i, j] ← s. Every element is one chain of fused multiply-adds in
    /// k order, so a product cut into k slices (β = 1 after the first) gives the same bits as one slice,
    /// whatever the tile shape, the vector width or the slice depth (docs/reproducibility.md).
    /// </summary>
    static abstract void Run(int kc, T* a, T* b, T* c, nint ldc, T beta);
}

/// <summary>Fused multiply-add on generic vectors (float or double), resolved per element type at JIT time; one
/// rounding on every path, in software where the hardware has no FMA (docs/reproducibility.md).</summary>
internal static class VectorFma
{
    /// <summary>x·y + z with one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MulAdd<T>(Vector256<T> x, Vector256<T> y, Vector256<T> z) where T : unmanaged
    {
#if NET9_0_OR_GREATER
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
#else
        // .NET 8 has no cross-platform vector FMA: the x86 intrinsic (the AVX2 kernel requires FMA anyway).
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported && typeof(T) == typeof(float))
            return System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported && typeof(T) == typeof(double))
            return System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
        return Vector256.Create(Software(x.GetLower(), y.GetLower(), z.GetLower()), Software(x.GetUpper(), y.GetUpper(), z.GetUpper()));
#endif
        throw new NotSupportedException();
    }

    /// <summary>x·y + z with one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MulAdd<T>(Vector512<T> x, Vector512<T> y, Vector512<T> z) where T : unmanaged
    {
#if NET9_0_OR_GREATER
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
#else
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported && typeof(T) == typeof(float))
            return System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported && typeof(T) == typeof(double))
            return System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
        return Vector512.Create(MulAdd(x.GetLower(), y.GetLower(), z.GetLower()), MulAdd(x.GetUpper(), y.GetUpper(), z.GetUpper()));
#endif
        throw new NotSupportedException();
    }

#if !NET9_0_OR_GREATER
    /// <summary>Per-element fused multiply-add in software (.NET 8 without FMA hardware): the same bits as the instruction.</summary>
    private static Vector128<T> Software<T>(Vector128<T> x, Vector128<T> y, Vector128<T> z) where T : unmanaged
    {
        Span<T> r = stackalloc T[Vector128<T>.Count];
        for (int i = 0; i < r.Length; i++)
        {
            if (typeof(T) == typeof(float))
                r[i] = (T)(object)MathF.FusedMultiplyAdd((float)(object)x.GetElement(i)!, (float)(object)y.GetElement(i)!, (float)(object)z.GetElement(i)!);
            else
                r[i] = (T)(object)Math.FusedMultiplyAdd((double)(object)x.GetElement(i)!, (double)(object)y.GetElement(i)!, (double)(object)z.GetElement(i)!);
        }
        return Vector128.Create<T>(r);
    }
#endif
}
