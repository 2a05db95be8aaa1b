using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// Sums in an order fixed by the length alone, so that every SIMD path (AVX-512, AVX2, Vector128, scalar)
/// and every machine gives the same bits (docs/reproducibility.md). A span is summed in 64 bytes of lanes
/// — 16 float or 8 double partial sums, lane l taking the elements i ≡ l (mod lanes) of the whole blocks in
/// order — as one 512-bit accumulator, two 256-bit, four 128-bit or that many scalars; the lanes are then
/// folded in a fixed tree (lane l += lane l + half, halving until one is left) and the tail elements added
/// in order.
/// </summary>
internal static class FixedOrder
{
    /// <summary>Σ x in the fixed order.</summary>
    public static T Sum<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = Vector512<T>.Count, blocks = x.Length / lanes * lanes;
        if (blocks == 0) return Tail(x, T.Zero);   // the fold of zero lanes is +0
        Span<T> partial = stackalloc T[lanes];
        ref T start = ref MemoryMarshal.GetReference(x);
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<T> acc = Vector512<T>.Zero;
            for (int i = 0; i < blocks; i += lanes) acc += Vector512.LoadUnsafe(ref start, (nuint)i);
            acc.StoreUnsafe(ref MemoryMarshal.GetReference(partial));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            int w = lanes / 2;
            Vector256<T> acc0 = Vector256<T>.Zero, acc1 = Vector256<T>.Zero;
            for (int i = 0; i < blocks; i += lanes)
            {
                acc0 += Vector256.LoadUnsafe(ref start, (nuint)i);
                acc1 += Vector256.LoadUnsafe(ref start, (nuint)(i + w));
            }
            acc0.StoreUnsafe(ref MemoryMarshal.GetReference(partial));
            acc1.StoreUnsafe(ref MemoryMarshal.GetReference(partial), (nuint)w);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            int w = lanes / 4;
            Vector128<T> acc0 = Vector128<T>.Zero, acc1 = Vector128<T>.Zero, acc2 = Vector128<T>.Zero, acc3 = Vector128<T>.Zero;
            for (int i = 0; i < blocks; i += lanes)
            {
                acc0 += Vector128.LoadUnsafe(ref start, (nuint)i);
                acc1 += Vector128.LoadUnsafe(ref start, (nuint)(i + w));
                acc2 += Vector128.LoadUnsafe(ref start, (nuint)(i + 2 * w));
                acc3 += Vector128.LoadUnsafe(ref start, (nuint)(i + 3 * w));
            }
            ref T p = ref MemoryMarshal.GetReference(partial);
            acc0.StoreUnsafe(ref p);
            acc1.StoreUnsafe(ref p, (nuint)w);
            acc2.StoreUnsafe(ref p, (nuint)(2 * w));
            acc3.StoreUnsafe(ref p, (nuint)(3 * w));
        }
        else
        {
            partial.Clear();
            for (int i = 0; i < blocks; i += lanes)
                for (int l = 0; l < lanes; l++) partial[l] += x[i + l];
        }
        return Tail(x[blocks..], Fold(partial));
    }

    /// <summary>sum + x₀ + x₁ + … in order.</summary>
    private static T Tail<T>(ReadOnlySpan<T> x, T sum) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (T v in x) sum += v;
        return sum;
    }

    /// <summary>The lanes of <paramref name="v"/> folded in the fixed tree (as <see cref="Fold{T}(Span{T})"/>:
    /// lane l += lane l + half for half = 4, 2, 1 floats or 2, 1 doubles).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum<T>(Vector256<T> v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector128<T> h = v.GetLower() + v.GetUpper();
        if (Vector128<T>.Count == 4)   // (Vector64 is not accelerated on x64: scalars)
            return (h.GetElement(0) + h.GetElement(2)) + (h.GetElement(1) + h.GetElement(3));
        return h.GetElement(0) + h.GetElement(1);
    }

    /// <summary>Folds a power-of-two number of lanes: lane l += lane l + half, halving until one is left.</summary>
    private static T Fold<T>(Span<T> lanes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int half = lanes.Length / 2; half >= 1; half /= 2)
            for (int l = 0; l < half; l++) lanes[l] += lanes[l + half];
        return lanes[0];
    }
}
