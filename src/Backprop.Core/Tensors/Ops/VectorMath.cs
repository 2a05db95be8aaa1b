using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop;

/// <summary>
/// Vectorised float32 exp and tanh, several times faster than <see cref="TensorPrimitives"/>' float
/// versions on AVX2 and within a few ulps of the exact values. exp x = 2ⁿ·eʳ with x = n·ln2 + r;
/// tanh x = −m/(2 + m) · sign x with m = eʸ − 1 (expm1) at y = −2|x|, which has no cancellation for
/// small |x|. Float64 spans (and machines without 256-bit vectors) use <see cref="TensorPrimitives"/>.
/// </summary>
internal static class VectorMath
{
    /// <summary>y = tanh x elementwise (<paramref name="y"/> may be <paramref name="x"/>).</summary>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated)
            Map<TanhFn>("Tanh", MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        else TensorPrimitives.Tanh(x, y);
    }

    /// <summary>y = eˣ elementwise (<paramref name="y"/> may be <paramref name="x"/>).</summary>
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated)
            Map<ExpFn>("Exp", MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        else TensorPrimitives.Exp(x, y);
    }

    private interface IVectorFunction
    {
        static abstract Vector256<float> Apply(Vector256<float> x);
    }

    private struct TanhFn : IVectorFunction
    {
        public static Vector256<float> Apply(Vector256<float> x) => Tanh(x);
    }

    private struct ExpFn : IVectorFunction
    {
        public static Vector256<float> Apply(Vector256<float> x) => Exp(x);
    }

    private static void Map<TFn>(string op, ReadOnlySpan<float> x, Span<float> y) where TFn : struct, IVectorFunction
    {
        if (y.Length < x.Length) throw new ArgumentException($"{op}: the destination is shorter than the source.", nameof(y));
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        for (; i <= x.Length - 16; i += 16)   // two independent vectors per turn: the long dependency chains overlap
        {
            Vector256<float> a = TFn.Apply(Vector256.LoadUnsafe(ref xs, (nuint)i));
            Vector256<float> b = TFn.Apply(Vector256.LoadUnsafe(ref xs, (nuint)(i + 8)));
            a.StoreUnsafe(ref ys, (nuint)i);
            b.StoreUnsafe(ref ys, (nuint)(i + 8));
        }
        for (; i <= x.Length - 8; i += 8)
            TFn.Apply(Vector256.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
        if (i < x.Length)
        {
            // The tail goes through the same vector code (padded), so every element is computed identically.
            Span<float> tail = stackalloc float[8];
            tail.Clear();
            x[i..].CopyTo(tail);
            TFn.Apply(Vector256.LoadUnsafe(ref tail[0])).StoreUnsafe(ref tail[0]);
            tail[..(x.Length - i)].CopyTo(y[i..]);
        }
    }

    /// <summary>eˣ for every float: x = n·ln2 + r with |r| ≤ ln2/2, eˣ = 2ⁿ·(1 + (eʳ − 1)). x is clamped
    /// to [−104, 89] first (beyond, the result is 0 or ∞ anyway), and 2ⁿ is applied as two normal powers
    /// 2ⁿ¹·2ⁿ² so that results overflow to ∞ and underflow through the subnormals as they should.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp(Vector256<float> x)
    {
        Vector256<float> xc = Min(Max(x, Vector256.Create(-104f)), Vector256.Create(89f));
        Vector256<float> magic = Vector256.Create(12582912f);   // 1.5·2²³: adding it rounds to an integer
        Vector256<float> n = MulAdd(xc, Vector256.Create(1.44269504f), magic) - magic;
        Vector256<float> r = MulAdd(n, Vector256.Create(-0.693145752f), xc);   // ln2 split in
        r = MulAdd(n, Vector256.Create(-1.42860677e-6f), r);                   // hi + lo parts
        Vector256<float> p = ExpM1Reduced(r) + Vector256<float>.One;
#if NET9_0_OR_GREATER
        Vector256<int> ni = Vector256.ConvertToInt32Native(n);                 // n ∈ [−150, 129]: no saturation fix-up needed
#else
        Vector256<int> ni = Vector256.ConvertToInt32(n);                       // n ∈ [−150, 129]
#endif
        Vector256<int> n1 = Vector256.ShiftRightArithmetic(ni, 1), n2 = ni - n1;
        Vector256<float> s1 = Vector256.ShiftLeft(n1 + Vector256.Create(127), 23).AsSingle();
        Vector256<float> s2 = Vector256.ShiftLeft(n2 + Vector256.Create(127), 23).AsSingle();
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), p * s1 * s2, x);   // NaN stays NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> ax = Vector256.Abs(x);
        // tanh saturates to 1 in float beyond |x| = 9.1; clamping at 10 keeps 2ⁿ a normal float.
        Vector256<float> yv = Max(ax * Vector256.Create(-2f), Vector256.Create(-20f));
        Vector256<float> m = ExpM1(yv);
        Vector256<float> t = Vector256.Abs(m / (Vector256.Create(2f) + m));    // (1 − eʸ)/(1 + eʸ) ≥ 0
        t |= x & Vector256.Create(-0f);                                         // sign of x
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), t, x);     // NaN stays NaN
    }

    /// <summary>a·b + c, fused where the hardware has FMA (net8.0 has no portable Vector256 FMA).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>The larger of a and b (NaN lanes are masked by the caller, so the hardware's rule is fine).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Max(Vector256<float> a, Vector256<float> b) =>
        Avx.IsSupported ? Avx.Max(a, b) : Vector256.Max(a, b);

    /// <summary>The smaller of a and b (NaN lanes are masked by the caller).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Min(Vector256<float> a, Vector256<float> b) =>
        Avx.IsSupported ? Avx.Min(a, b) : Vector256.Min(a, b);

    /// <summary>eʸ − 1 for −20 ≤ y ≤ 0: y = n·ln2 + r with |r| ≤ ln2/2, eʸ − 1 = 2ⁿ·(eʳ − 1) + (2ⁿ − 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpM1(Vector256<float> y)
    {
        // Adding 1.5·2²³ rounds y/ln2 to the integer n, held in the low mantissa bits of `shifted`.
        Vector256<float> magic = Vector256.Create(12582912f);
        Vector256<float> shifted = MulAdd(y, Vector256.Create(1.44269504f), magic);
        Vector256<float> n = shifted - magic;
        Vector256<float> r = MulAdd(n, Vector256.Create(-0.693145752f), y);    // ln2 split in
        r = MulAdd(n, Vector256.Create(-1.42860677e-6f), r);                   // hi + lo parts
        Vector256<float> q = ExpM1Reduced(r);
        // 2ⁿ from the exponent field: the low 9 bits of (bits(shifted) + 127) are n + 127 (n ∈ [−29, 0]).
        Vector256<float> s = Vector256.ShiftLeft(shifted.AsInt32() + Vector256.Create(127), 23).AsSingle();
        return MulAdd(s, q, s - Vector256<float>.One);
    }

    /// <summary>eʳ − 1 for |r| ≤ ln2/2 from its Taylor series to r⁷ (relative remainder below 1e-8):
    /// r + r²·(1/2 + r/6 + r²/24 + r³/120 + r⁴/720 + r⁵/5040), the bracket in Estrin's form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpM1Reduced(Vector256<float> r)
    {
        Vector256<float> r2 = r * r;
        Vector256<float> a = MulAdd(r, Vector256.Create(1f / 6), Vector256.Create(0.5f));
        Vector256<float> b = MulAdd(r, Vector256.Create(1f / 120), Vector256.Create(1f / 24));
        Vector256<float> c = MulAdd(r, Vector256.Create(1f / 5040), Vector256.Create(1f / 720));
        Vector256<float> bracket = MulAdd(MulAdd(c, r2, b), r2, a);
        return MulAdd(r2, bracket, r);
    }
}
