using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// Softmax and log-softmax of one contiguous row in three passes instead of five: the maximum m; then
/// d = x − m and eᵈ in one pass, with Σ eᵈ accumulated on the way; then y = eᵈ / Σ (softmax) or
/// y = d − log Σ (log-softmax). Every element goes through the same IEEE operations as the five-pass form
/// (max, subtract, <see cref="VectorMath"/>'s exp, <see cref="FixedOrder.Sum{T}(ReadOnlySpan{T})"/>, divide or
/// subtract), and the sum is accumulated in <see cref="FixedOrder"/>'s 64-byte lanes and folded in its tree, so
/// the bits are the same (docs/reproducibility.md). It runs where <see cref="Vector{T}"/> is 256 bits wide
/// (AVX2 and AVX-512 machines): two vectors make one 64-byte block of the fixed order.
/// </summary>
internal static class SoftmaxRows
{
    /// <summary>Whether the fused form runs on this machine (two <see cref="Vector{T}"/> per 64-byte block).</summary>
    public static bool Supported => Vector<byte>.Count == 32;

    /// <summary>y = softmax(x), or log-softmax when <paramref name="log"/>, of one row (x not empty, y as long).</summary>
    public static void Row<T>(ReadOnlySpan<T> x, Span<T> y, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Supported) throw new PlatformNotSupportedException("Softmax rows: the fused form needs 256-bit Vector<T>.");
        if (x.IsEmpty || y.Length != x.Length)
            throw new ArgumentException($"Softmax rows: a row of {x.Length} and a destination of {y.Length} elements; expected equal, non-zero lengths.");
        T sum = ShiftedExpSum(x, TensorPrimitives.Max(x), y, log);   // x − max ≤ 0: e^(x−max) cannot overflow
        if (log) TensorPrimitives.Subtract(y, T.Log(sum), y);        // Σ e^(x−max) ≥ 1
        else TensorPrimitives.Divide(y, sum, y);
    }

    /// <summary>y ← d = x − <paramref name="max"/> (log) or eᵈ (softmax); returns Σ eᵈ in the fixed order.</summary>
    private static T ShiftedExpSum<T>(ReadOnlySpan<T> x, T max, Span<T> y, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector<T>.Count, block = 2 * w, blocks = x.Length / block * block;
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        Vector<T> m = new(max), acc0 = Vector<T>.Zero, acc1 = Vector<T>.Zero;
        for (int i = 0; i < blocks; i += block)
        {
            Vector<T> d0 = Load(ref xs, i) - m, d1 = Load(ref xs, i + w) - m;
            Vector<T> e0 = Exp(d0), e1 = Exp(d1);
            Store(log ? d0 : e0, ref ys, i);
            Store(log ? d1 : e1, ref ys, i + w);
            acc0 += e0;   // lane l of the 64-byte block: FixedOrder's partial sum l
            acc1 += e1;   // lane w + l
        }
        // FixedOrder's fold: lane l += lane l + w (acc0 + acc1), then the tree of one 256-bit vector.
        T sum = FixedOrder.Sum((acc0 + acc1).AsVector256());
        int tail = x.Length - blocks;
        if (tail == 0) return sum;
        // The tail (under one block) through the same vector code, padded; its sums in order.
        Span<T> d = stackalloc T[block], e = stackalloc T[block];
        d.Clear();
        x[blocks..].CopyTo(d);
        ref T ds = ref MemoryMarshal.GetReference(d);
        ref T es = ref MemoryMarshal.GetReference(e);
        for (int i = 0; i < tail; i += w)
        {
            Vector<T> di = Load(ref ds, i) - m;
            Store(di, ref ds, i);
            Store(Exp(di), ref es, i);
        }
        for (int i = 0; i < tail; i++) sum += e[i];
        (log ? d : e)[..tail].CopyTo(y[blocks..]);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Exp<T>(Vector<T> x) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Vector<float> y = VectorMath.Exp(Unsafe.As<Vector<T>, Vector<float>>(ref x));
            return Unsafe.As<Vector<float>, Vector<T>>(ref y);
        }
        Vector<double> z = VectorMath.Exp(Unsafe.As<Vector<T>, Vector<double>>(ref x));
        return Unsafe.As<Vector<double>, Vector<T>>(ref z);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Load<T>(ref T start, int i) where T : unmanaged =>
        Unsafe.ReadUnaligned<Vector<T>>(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref start, i)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(Vector<T> v, ref T start, int i) where T : unmanaged =>
        Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref start, i)), v);
}
