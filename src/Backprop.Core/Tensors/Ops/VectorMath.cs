using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Backprop.Kernels;

namespace Backprop;

/// <summary>
/// Our own exp, tanh and sigmoid (float32 and float64), written once on <c>Vector256</c> with fused
/// multiply-adds, so that they give the same bits on every machine and SIMD path (docs/reproducibility.md):
/// without hardware 256-bit vectors, .NET runs the same code in software, and tails are computed by the
/// same vector code, padded. They are within a few ulps of the exact values, and several times faster than
/// <see cref="TensorPrimitives"/>' float versions on AVX2. exp x = 2ⁿ·eʳ with x = n·ln2 + r;
/// tanh x = −m/(2 + m) · sign x with m = eʸ − 1 (expm1) at y = −2|x|, which has no cancellation for small
/// |x|; σ(x) = 1/(1 + e⁻ˣ). The FMAs are <see cref="VectorFma"/> (fused in software where the hardware has
/// no FMA). Log and Pow use the C runtime's scalar functions, one element at a time.
/// </summary>
internal static class VectorMath
{
    /// <summary>y = tanh x elementwise (<paramref name="y"/> may be <paramref name="x"/>).</summary>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) Map<float, TanhFn>("Tanh", MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        else Map<double, TanhFn>("Tanh", MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y));
    }

    /// <summary>y = eˣ elementwise (<paramref name="y"/> may be <paramref name="x"/>).</summary>
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) Map<float, ExpFn>("Exp", MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        else Map<double, ExpFn>("Exp", MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y));
    }

    /// <summary>y = σ(x) = 1/(1 + e⁻ˣ) elementwise (<paramref name="y"/> may be <paramref name="x"/>).</summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) Map<float, SigmoidFn>("Sigmoid", MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        else Map<double, SigmoidFn>("Sigmoid", MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y));
    }

    /// <summary>y = ln x elementwise, by the C runtime's scalar log (<see cref="TensorPrimitives.Log{T}(ReadOnlySpan{T}, Span{T})"/>
    /// differs between SIMD paths).</summary>
    public static void Log<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Length < x.Length) throw new ArgumentException("Log: the destination is shorter than the source.", nameof(y));
        for (int i = 0; i < x.Length; i++) y[i] = T.Log(x[i]);
    }

    /// <summary>y = xᵖ elementwise, by the C runtime's scalar pow (<paramref name="y"/> may be <paramref name="x"/>).</summary>
    public static void Pow<T>(ReadOnlySpan<T> x, T p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Length < x.Length) throw new ArgumentException("Pow: the destination is shorter than the source.", nameof(y));
        for (int i = 0; i < x.Length; i++) y[i] = T.Pow(x[i], p);
    }

    private interface IVectorFunction
    {
        static abstract Vector256<float> Apply(Vector256<float> x);
        static abstract Vector256<double> Apply(Vector256<double> x);
    }

    private struct TanhFn : IVectorFunction
    {
        public static Vector256<float> Apply(Vector256<float> x) => Tanh(x);
        public static Vector256<double> Apply(Vector256<double> x) => Tanh(x);
    }

    private struct ExpFn : IVectorFunction
    {
        public static Vector256<float> Apply(Vector256<float> x) => Exp(x);
        public static Vector256<double> Apply(Vector256<double> x) => Exp(x);
    }

    private struct SigmoidFn : IVectorFunction
    {
        public static Vector256<float> Apply(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Exp(-x));
        public static Vector256<double> Apply(Vector256<double> x) => Vector256<double>.One / (Vector256<double>.One + Exp(-x));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Apply<T, TFn>(Vector256<T> x) where TFn : struct, IVectorFunction =>
        typeof(T) == typeof(float) ? TFn.Apply(x.AsSingle()).As<float, T>() : TFn.Apply(x.AsDouble()).As<double, T>();

    private static void Map<T, TFn>(string op, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged where TFn : struct, IVectorFunction
    {
        if (y.Length < x.Length) throw new ArgumentException($"{op}: the destination is shorter than the source.", nameof(y));
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        int w = Vector256<T>.Count, i = 0;
        for (; i <= x.Length - 2 * w; i += 2 * w)   // two independent vectors per turn: the long dependency chains overlap
        {
            Vector256<T> a = Apply<T, TFn>(Vector256.LoadUnsafe(ref xs, (nuint)i));
            Vector256<T> b = Apply<T, TFn>(Vector256.LoadUnsafe(ref xs, (nuint)(i + w)));
            a.StoreUnsafe(ref ys, (nuint)i);
            b.StoreUnsafe(ref ys, (nuint)(i + w));
        }
        for (; i <= x.Length - w; i += w)
            Apply<T, TFn>(Vector256.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
        if (i < x.Length)
        {
            // The tail goes through the same vector code (padded), so every element is computed identically.
            Span<T> tail = stackalloc T[w];
            tail.Clear();
            x[i..].CopyTo(tail);
            Apply<T, TFn>(Vector256.LoadUnsafe(ref tail[0])).StoreUnsafe(ref tail[0]);
            tail[..(x.Length - i)].CopyTo(y[i..]);
        }
    }

    // ---- float32 --------------------------------------------------------------------------------

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

    /// <summary>a·b + c with one rounding (in software where the hardware has no FMA: the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        VectorFma.MulAdd(a, b, c);

    /// <summary>The larger of a and b. The callers never compare +0 with −0 and mask NaN lanes, where the
    /// hardware's rule and .NET's differ, so both give the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Max(Vector256<float> a, Vector256<float> b) =>
        Avx.IsSupported ? Avx.Max(a, b) : Vector256.Max(a, b);

    /// <summary>The smaller of a and b (same conditions as <see cref="Max(Vector256{float}, Vector256{float})"/>).</summary>
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

    // ---- float64 --------------------------------------------------------------------------------

    private const double Log2E = 1.4426950408889634, Ln2Hi = 0.6931471803691238, Ln2Lo = 1.9082149292705877e-10;

    /// <summary>1.5·2⁵²: adding it to |v| &lt; 2⁵¹ rounds v to an integer held in the low mantissa bits.</summary>
    private const double Magic = 6755399441055744.0;

    /// <summary>eˣ for every double, as the float version: x clamped to [−746, 710], 2ⁿ applied as 2ⁿ¹·2ⁿ².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Exp(Vector256<double> x)
    {
        Vector256<double> xc = Vector256.Min(Vector256.Max(x, Vector256.Create(-746.0)), Vector256.Create(710.0));
        Vector256<double> magic = Vector256.Create(Magic);
        Vector256<double> shifted = VectorFma.MulAdd(xc, Vector256.Create(Log2E), magic);
        Vector256<double> n = shifted - magic;
        Vector256<double> r = VectorFma.MulAdd(n, Vector256.Create(-Ln2Hi), xc);
        r = VectorFma.MulAdd(n, Vector256.Create(-Ln2Lo), r);
        Vector256<double> p = ExpM1Reduced(r) + Vector256<double>.One;
        Vector256<long> ni = shifted.AsInt64() - magic.AsInt64();               // n ∈ [−1077, 1025]
        Vector256<long> n1 = Vector256.ShiftRightArithmetic(ni, 1), n2 = ni - n1;
        Vector256<double> s1 = Vector256.ShiftLeft(n1 + Vector256.Create(1023L), 52).AsDouble();
        Vector256<double> s2 = Vector256.ShiftLeft(n2 + Vector256.Create(1023L), 52).AsDouble();
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), p * s1 * s2, x);   // NaN stays NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Tanh(Vector256<double> x)
    {
        Vector256<double> ax = Vector256.Abs(x);
        // tanh saturates to 1 in double beyond |x| = 19.1; clamping at 20 keeps 2ⁿ a normal double.
        Vector256<double> yv = Vector256.Max(ax * Vector256.Create(-2.0), Vector256.Create(-40.0));
        Vector256<double> magic = Vector256.Create(Magic);
        Vector256<double> shifted = VectorFma.MulAdd(yv, Vector256.Create(Log2E), magic);
        Vector256<double> n = shifted - magic;
        Vector256<double> r = VectorFma.MulAdd(n, Vector256.Create(-Ln2Hi), yv);
        r = VectorFma.MulAdd(n, Vector256.Create(-Ln2Lo), r);
        Vector256<double> q = ExpM1Reduced(r);
        Vector256<double> s = Vector256.ShiftLeft(shifted.AsInt64() - magic.AsInt64() + Vector256.Create(1023L), 52).AsDouble();
        Vector256<double> m = VectorFma.MulAdd(s, q, s - Vector256<double>.One);   // eʸ − 1
        Vector256<double> t = Vector256.Abs(m / (Vector256.Create(2.0) + m));
        t |= x & Vector256.Create(-0.0);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), t, x);
    }

    /// <summary>eʳ − 1 for |r| ≤ ln2/2 from its Taylor series to r¹³ (relative remainder below 2e-17),
    /// r + r²·(1/2! + r/3! + … + r¹¹/13!) by Horner's rule.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpM1Reduced(Vector256<double> r)
    {
        Vector256<double> h = Vector256.Create(1.0 / 6227020800);                         // 1/13!
        h = VectorFma.MulAdd(h, r, Vector256.Create(1.0 / 479001600));          // 1/12!
        h = VectorFma.MulAdd(h, r, Vector256.Create(1.0 / 39916800));           // 1/11!
        h = VectorFma.MulAdd(h, r, Vector256.Create(1.0 / 3628800));
        h = VectorFma.MulAdd(h, r, Vector256.Create(1.0 / 362880));
        h = VectorFma.MulAdd(h, r, Vector256.Create(1.0 / 40320));
        h = VectorFma.MulAdd(h, r, Vector256.Create(1.0 / 5040));
        h = VectorFma.MulAdd(h, r, Vector256.Create(1.0 / 720));
        h = VectorFma.MulAdd(h, r, Vector256.Create(1.0 / 120));
        h = VectorFma.MulAdd(h, r, Vector256.Create(1.0 / 24));
        h = VectorFma.MulAdd(h, r, Vector256.Create(1.0 / 6));
        h = VectorFma.MulAdd(h, r, Vector256.Create(0.5));
        return VectorFma.MulAdd(r * r, h, r);
    }
}
