using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop;

/// <summary>
/// Our own exp, tanh and sigmoid (float32 and float64), written once on <see cref="Vector{T}"/> with fused
/// multiply-adds, so that they give the same bits on every machine and SIMD path (docs/reproducibility.md):
/// every step is a lane-wise IEEE operation with fixed constants, so the vector width (256 bits on AVX2 and
/// AVX-512, 128 on Vector128-only hardware and Arm64, software without SIMD) does not matter, and tails are
/// computed by the same vector code, padded. They are within a few ulps of the exact values, and several times faster than
/// <see cref="TensorPrimitives"/>' float versions on AVX2. exp x = 2ⁿ·eʳ with x = n·ln2 + r;
/// tanh x = −m/(2 + m) · sign x with m = eʸ − 1 (expm1) at y = −2|x|, which has no cancellation for small
/// |x|; σ(x) = 1/(1 + e⁻ˣ). The FMAs are fused in software where the hardware has none. Log and Pow use the C runtime's scalar functions, one element at a time.
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

    /// <summary>y = e^(x − <paramref name="shift"/>) elementwise, the difference rounded to <typeparamref name="T"/> first, in
    /// one pass: the same bits as subtracting, then <see cref="Exp{T}"/> (softmax's e^(x − max)).</summary>
    public static void ExpShifted<T>(ReadOnlySpan<T> x, T shift, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) Map<float, ExpFn, Shifted>("Exp", MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y), Unsafe.As<T, float>(ref shift));
        else Map<double, ExpFn, Shifted>("Exp", MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y), Unsafe.As<T, double>(ref shift));
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
        static abstract Vector<float> Apply(Vector<float> x);
        static abstract Vector<double> Apply(Vector<double> x);
    }

    private struct TanhFn : IVectorFunction
    {
        public static Vector<float> Apply(Vector<float> x) => Tanh(x);
        public static Vector<double> Apply(Vector<double> x) => Tanh(x);
    }

    private struct ExpFn : IVectorFunction
    {
        public static Vector<float> Apply(Vector<float> x) => Exp(x);
        public static Vector<double> Apply(Vector<double> x) => Exp(x);
    }

    private struct SigmoidFn : IVectorFunction
    {
        public static Vector<float> Apply(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Exp(-x));
        public static Vector<double> Apply(Vector<double> x) => Vector<double>.One / (Vector<double>.One + Exp(-x));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Apply<T, TFn>(Vector<T> x) where T : unmanaged where TFn : struct, IVectorFunction
    {
        if (typeof(T) == typeof(float))
        {
            Vector<float> y = TFn.Apply(Unsafe.As<Vector<T>, Vector<float>>(ref x));
            return Unsafe.As<Vector<float>, Vector<T>>(ref y);
        }
        Vector<double> z = TFn.Apply(Unsafe.As<Vector<T>, Vector<double>>(ref x));
        return Unsafe.As<Vector<double>, Vector<T>>(ref z);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Load<T>(ref T start, int i) where T : unmanaged =>
        Unsafe.ReadUnaligned<Vector<T>>(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref start, i)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(Vector<T> v, ref T start, int i) where T : unmanaged =>
        Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref start, i)), v);

    /// <summary>y = f(x) for every element.</summary>
    private static void Map<T, TFn>(string op, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumberBase<T> where TFn : struct, IVectorFunction =>
        Map<T, TFn, Unshifted>(op, x, y, T.Zero);

    /// <summary>y = f(x − <paramref name="shift"/>) for every element, the difference rounded to T first; with
    /// <typeparamref name="TShift"/> = <see cref="Unshifted"/> the subtraction is left out (compiled away), as the maps
    /// are compute-bound (one more operation per vector costs exp about 9 %).</summary>
    private static void Map<T, TFn, TShift>(string op, ReadOnlySpan<T> x, Span<T> y, T shift) where T : unmanaged, INumberBase<T>
        where TFn : struct, IVectorFunction where TShift : struct
    {
        if (y.Length < x.Length) throw new ArgumentException($"{op}: the destination is shorter than the source.", nameof(y));
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        var s = new Vector<T>(shift);
        int w = Vector<T>.Count, i = 0;
        for (; i <= x.Length - 2 * w; i += 2 * w)   // two independent vectors per turn: the long dependency chains overlap
        {
            Vector<T> a = Apply<T, TFn>(Shift<T, TShift>(Load(ref xs, i), s));
            Vector<T> b = Apply<T, TFn>(Shift<T, TShift>(Load(ref xs, i + w), s));
            Store(a, ref ys, i);
            Store(b, ref ys, i + w);
        }
        for (; i <= x.Length - w; i += w)
            Store(Apply<T, TFn>(Shift<T, TShift>(Load(ref xs, i), s)), ref ys, i);
        if (i < x.Length)
        {
            // The tail goes through the same vector code (padded), so every element is computed identically.
            Span<T> tail = stackalloc T[w];
            tail.Clear();
            for (int j = i; j < x.Length; j++) tail[j - i] = typeof(TShift) == typeof(Unshifted) ? x[j] : x[j] - shift;
            ref T t = ref MemoryMarshal.GetReference(tail);
            Store(Apply<T, TFn>(Load(ref t, 0)), ref t, 0);
            tail[..(x.Length - i)].CopyTo(y[i..]);
        }
    }

    /// <summary>Marks a map without a shift (<see cref="Map{T, TFn, TShift}"/>).</summary>
    private struct Unshifted;

    /// <summary>Marks a map of x − shift.</summary>
    private struct Shifted;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Shift<T, TShift>(Vector<T> x, Vector<T> shift) where T : unmanaged where TShift : struct =>
        typeof(TShift) == typeof(Unshifted) ? x : x - shift;

    // ---- float32 --------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> C(float value) => new(value);

    /// <summary>eˣ for every float: x = n·ln2 + r with |r| ≤ ln2/2, eˣ = 2ⁿ·(1 + (eʳ − 1)). x is clamped
    /// to [−104, 89] first (beyond, the result is 0 or ∞ anyway), and 2ⁿ is applied as two normal powers
    /// 2ⁿ¹·2ⁿ² so that results overflow to ∞ and underflow through the subnormals as they should.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Exp(Vector<float> x)
    {
        // The common case, every lane in [−87, 88] (none NaN): 2ⁿ is one normal power, n ∈ [−126, 127], read from the
        // low bits of `shifted`. Same bits as the general path: there p·2ⁿ¹ is exact, so both round only once.
        if (Vector.GreaterThanOrEqualAll(x, C(-87f)) && Vector.LessThanOrEqualAll(x, C(88f)))
        {
            Vector<float> q = Reduce(x, out _, out Vector<float> shifted);
            return (ExpM1Reduced(q) + Vector<float>.One) * PowerOfTwo(shifted);
        }
        return ExpGeneral(x);
    }

    /// <summary>eˣ for any lanes, including overflow to ∞, subnormal results and NaN.</summary>
    private static Vector<float> ExpGeneral(Vector<float> x)
    {
        Vector<float> xc = Min(Max(x, C(-104f)), C(89f));
        Vector<float> r = Reduce(xc, out Vector<float> n, out _);
        Vector<float> p = ExpM1Reduced(r) + Vector<float>.One;
#if NET9_0_OR_GREATER
        Vector<int> ni = Vector.ConvertToInt32Native(n);      // n ∈ [−150, 129]: no saturation fix-up needed
#else
        Vector<int> ni = Vector.ConvertToInt32(n);            // n ∈ [−150, 129]
#endif
        Vector<int> n1 = Vector.ShiftRightArithmetic(ni, 1), n2 = ni - n1;
        Vector<float> s1 = Vector.AsVectorSingle(Vector.ShiftLeft(n1 + new Vector<int>(127), 23));
        Vector<float> s2 = Vector.AsVectorSingle(Vector.ShiftLeft(n2 + new Vector<int>(127), 23));
        return Vector.ConditionalSelect(Vector.Equals(x, x), p * s1 * s2, x);   // NaN stays NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Tanh(Vector<float> x)
    {
        Vector<float> ax = Vector.Abs(x);
        // tanh saturates to 1 in float beyond |x| = 9.1; clamping at 10 keeps 2ⁿ a normal float.
        Vector<float> yv = Max(ax * C(-2f), C(-20f));
        Vector<float> m = ExpM1(yv);
        Vector<float> t = Vector.Abs(m / (C(2f) + m));    // (1 − eʸ)/(1 + eʸ) ≥ 0
        t |= x & C(-0f);                                   // sign of x
        return Vector.ConditionalSelect(Vector.Equals(x, x), t, x);     // NaN stays NaN
    }

    /// <summary>a·b + c with one rounding (in software where the hardware has no FMA: the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> MulAdd(Vector<float> a, Vector<float> b, Vector<float> c)
    {
#if NET9_0_OR_GREATER
        return Vector.FusedMultiplyAdd(a, b, c);
#else
        if (Fma.IsSupported && Vector<float>.Count == 8) return Fma.MultiplyAdd(a.AsVector256(), b.AsVector256(), c.AsVector256()).AsVector();
        Span<float> r = stackalloc float[Vector<float>.Count];
        for (int i = 0; i < r.Length; i++) r[i] = MathF.FusedMultiplyAdd(a[i], b[i], c[i]);
        return new Vector<float>(r);
#endif
    }

    /// <summary>The larger of a and b. The callers never compare +0 with −0 and mask NaN lanes, where the
    /// hardware's rule and .NET's differ, so both give the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Max(Vector<float> a, Vector<float> b) =>
        Avx.IsSupported && Vector<float>.Count == 8 ? Avx.Max(a.AsVector256(), b.AsVector256()).AsVector() : Vector.Max(a, b);

    /// <summary>The smaller of a and b (same conditions as <see cref="Max(Vector{float}, Vector{float})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Min(Vector<float> a, Vector<float> b) =>
        Avx.IsSupported && Vector<float>.Count == 8 ? Avx.Min(a.AsVector256(), b.AsVector256()).AsVector() : Vector.Min(a, b);

    /// <summary>eʸ − 1 for −20 ≤ y ≤ 0: y = n·ln2 + r with |r| ≤ ln2/2, eʸ − 1 = 2ⁿ·(eʳ − 1) + (2ⁿ − 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ExpM1(Vector<float> y)
    {
        Vector<float> q = ExpM1Reduced(Reduce(y, out _, out Vector<float> shifted));
        Vector<float> s = PowerOfTwo(shifted);   // n ∈ [−29, 0]
        return MulAdd(s, q, s - Vector<float>.One);
    }

    /// <summary>r = v − n·ln2 (ln2 split in hi + lo parts) with n = round(v/ln2): adding 1.5·2²³ rounds v/ln2 to the
    /// integer n, held in the low mantissa bits of <paramref name="shifted"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Reduce(Vector<float> v, out Vector<float> n, out Vector<float> shifted)
    {
        Vector<float> magic = C(12582912f);
        shifted = MulAdd(v, C(1.44269504f), magic);
        n = shifted - magic;
        Vector<float> r = MulAdd(n, C(-0.693145752f), v);
        return MulAdd(n, C(-1.42860677e-6f), r);
    }

    /// <summary>2ⁿ for n ∈ [−126, 127] held in the low bits of <paramref name="shifted"/> (see <see cref="Reduce(Vector{float}, out Vector{float}, out Vector{float})"/>):
    /// the low 9 bits of bits(shifted) + 127 are n + 127, shifted into the exponent field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> PowerOfTwo(Vector<float> shifted) =>
        Vector.AsVectorSingle(Vector.ShiftLeft(Vector.AsVectorInt32(shifted) + new Vector<int>(127), 23));

    /// <summary>eʳ − 1 for |r| ≤ ln2/2 from its Taylor series to r⁷ (relative remainder below 1e-8):
    /// r + r²·(1/2 + r/6 + r²/24 + r³/120 + r⁴/720 + r⁵/5040), the bracket in Estrin's form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ExpM1Reduced(Vector<float> r)
    {
        Vector<float> r2 = r * r;
        Vector<float> a = MulAdd(r, C(1f / 6), C(0.5f));
        Vector<float> b = MulAdd(r, C(1f / 120), C(1f / 24));
        Vector<float> c = MulAdd(r, C(1f / 5040), C(1f / 720));
        Vector<float> bracket = MulAdd(MulAdd(c, r2, b), r2, a);
        return MulAdd(r2, bracket, r);
    }

    // ---- float64 --------------------------------------------------------------------------------

    private const double Log2E = 1.4426950408889634, Ln2Hi = 0.6931471803691238, Ln2Lo = 1.9082149292705877e-10;

    /// <summary>1.5·2⁵²: adding it to |v| &lt; 2⁵¹ rounds v to an integer held in the low mantissa bits.</summary>
    private const double Magic = 6755399441055744.0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> C(double value) => new(value);

    /// <summary>a·b + c with one rounding (in software where the hardware has no FMA: the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> MulAdd(Vector<double> a, Vector<double> b, Vector<double> c)
    {
#if NET9_0_OR_GREATER
        return Vector.FusedMultiplyAdd(a, b, c);
#else
        if (Fma.IsSupported && Vector<double>.Count == 4) return Fma.MultiplyAdd(a.AsVector256(), b.AsVector256(), c.AsVector256()).AsVector();
        Span<double> r = stackalloc double[Vector<double>.Count];
        for (int i = 0; i < r.Length; i++) r[i] = Math.FusedMultiplyAdd(a[i], b[i], c[i]);
        return new Vector<double>(r);
#endif
    }

    /// <summary>n = round(v/ln2) (as a double and in the low bits of <paramref name="shifted"/>) and
    /// r = v − n·ln2, with ln2 split in hi + lo parts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Reduce(Vector<double> v, out Vector<double> shifted)
    {
        shifted = MulAdd(v, C(Log2E), C(Magic));
        Vector<double> n = shifted - C(Magic);
        Vector<double> r = MulAdd(n, C(-Ln2Hi), v);
        return MulAdd(n, C(-Ln2Lo), r);
    }

    /// <summary>2ⁿ⁺ᵇⁱᵃˢ⁻¹⁰²³ for the integer n held in the low bits of <paramref name="shifted"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<long> Exponent(Vector<double> shifted) =>
        Vector.AsVectorInt64(shifted) - Vector.AsVectorInt64(C(Magic));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> PowerOfTwo(Vector<long> n) => Vector.AsVectorDouble(Vector.ShiftLeft(n + new Vector<long>(1023L), 52));

    /// <summary>eˣ for every double, as the float version: x clamped to [−746, 710], 2ⁿ applied as 2ⁿ¹·2ⁿ².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Exp(Vector<double> x)
    {
        Vector<double> xc = Vector.Min(Vector.Max(x, C(-746.0)), C(710.0));
        Vector<double> r = Reduce(xc, out Vector<double> shifted);
        Vector<double> p = ExpM1Reduced(r) + Vector<double>.One;
        Vector<long> ni = Exponent(shifted);                                  // n ∈ [−1077, 1025]
        Vector<long> n1 = Vector.ShiftRightArithmetic(ni, 1), n2 = ni - n1;
        return Vector.ConditionalSelect(Vector.Equals(x, x), p * PowerOfTwo(n1) * PowerOfTwo(n2), x);   // NaN stays NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Tanh(Vector<double> x)
    {
        Vector<double> ax = Vector.Abs(x);
        // tanh saturates to 1 in double beyond |x| = 19.1; clamping at 20 keeps 2ⁿ a normal double.
        Vector<double> yv = Vector.Max(ax * C(-2.0), C(-40.0));
        Vector<double> r = Reduce(yv, out Vector<double> shifted);
        Vector<double> q = ExpM1Reduced(r);
        Vector<double> s = PowerOfTwo(Exponent(shifted));
        Vector<double> m = MulAdd(s, q, s - Vector<double>.One);   // eʸ − 1
        Vector<double> t = Vector.Abs(m / (C(2.0) + m));
        t |= x & C(-0.0);
        return Vector.ConditionalSelect(Vector.Equals(x, x), t, x);
    }

    /// <summary>eʳ − 1 for |r| ≤ ln2/2 from its Taylor series to r¹³ (relative remainder below 2e-17),
    /// r + r²·(1/2! + r/3! + … + r¹¹/13!) by Horner's rule.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> ExpM1Reduced(Vector<double> r)
    {
        Vector<double> h = C(1.0 / 6227020800);                  // 1/13!
        h = MulAdd(h, r, C(1.0 / 479001600));                    // 1/12!
        h = MulAdd(h, r, C(1.0 / 39916800));                     // 1/11!
        h = MulAdd(h, r, C(1.0 / 3628800));
        h = MulAdd(h, r, C(1.0 / 362880));
        h = MulAdd(h, r, C(1.0 / 40320));
        h = MulAdd(h, r, C(1.0 / 5040));
        h = MulAdd(h, r, C(1.0 / 720));
        h = MulAdd(h, r, C(1.0 / 120));
        h = MulAdd(h, r, C(1.0 / 24));
        h = MulAdd(h, r, C(1.0 / 6));
        h = MulAdd(h, r, C(0.5));
        return MulAdd(r * r, h, r);
    }
}
