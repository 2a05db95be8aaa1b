using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop;

/// <summary>
/// Our own exp, tanh and sigmoid (float32 and float64), written once with fused multiply-adds — the float ones on
/// <see cref="IFloatLanes{TV}"/> (512-bit vectors where the runtime accelerates them, else <see cref="Vector{T}"/>), the
/// double ones on <see cref="Vector{T}"/> — so that they give the same bits on every machine and SIMD path
/// (docs/reproducibility.md): every step is a lane-wise IEEE operation with fixed constants, so the vector width (512
/// or 256 bits on AVX-512, 256 on AVX2, 128 on Vector128-only hardware and Arm64, software without SIMD) does not
/// matter, and tails are computed by the same vector code, padded. They are within a few ulps of the exact values, and several times faster than
/// <see cref="TensorPrimitives"/>' float versions on AVX2. exp x = 2ⁿ·eʳ with x = n·ln2 + r;
/// tanh x = −m/(2 + m) · sign x with m = eʸ − 1 (expm1) at y = −2|x|, which has no cancellation for small
/// |x|; σ(x) = 1/(1 + e⁻ˣ). The FMAs are fused in software where the hardware has none. Log and Pow use the C runtime's scalar functions, one element at a time.
/// </summary>
internal static class VectorMath
{
    /// <summary>y = tanh x elementwise (<paramref name="y"/> may be <paramref name="x"/>).</summary>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        Map<T, TanhFn>("Tanh", x, y);

    /// <summary>y = eˣ elementwise (<paramref name="y"/> may be <paramref name="x"/>).</summary>
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        Map<T, ExpFn>("Exp", x, y);

    /// <summary>y = e^(x − <paramref name="shift"/>) elementwise, the difference rounded to <typeparamref name="T"/> first, in
    /// one pass: the same bits as subtracting, then <see cref="Exp{T}(ReadOnlySpan{T}, Span{T})"/> (softmax's e^(x − max)).</summary>
    public static void ExpShifted<T>(ReadOnlySpan<T> x, T shift, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        Map<T, ExpFn, Shifted>("Exp", x, y, shift);

    /// <summary>y = σ(x) = 1/(1 + e⁻ˣ) elementwise (<paramref name="y"/> may be <paramref name="x"/>).</summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        Map<T, SigmoidFn>("Sigmoid", x, y);

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

    /// <summary>A function of one vector: floats on any <see cref="IFloatLanes{TV}"/> width, doubles on <see cref="Vector{T}"/>.</summary>
    internal interface IVectorFunction
    {
        static abstract TV Apply<TV>(TV x) where TV : struct, IFloatLanes<TV>;
        static abstract Vector<double> Apply(Vector<double> x);
    }

    private struct TanhFn : IVectorFunction
    {
        public static TV Apply<TV>(TV x) where TV : struct, IFloatLanes<TV> => Tanh(x);
        public static Vector<double> Apply(Vector<double> x) => Tanh(x);
    }

    private struct ExpFn : IVectorFunction
    {
        public static TV Apply<TV>(TV x) where TV : struct, IFloatLanes<TV> => Exp(x);
        public static Vector<double> Apply(Vector<double> x) => Exp(x);
    }

    private struct SigmoidFn : IVectorFunction
    {
        public static TV Apply<TV>(TV x) where TV : struct, IFloatLanes<TV> => TV.Create(1f) / (TV.Create(1f) + Exp(-x));
        public static Vector<double> Apply(Vector<double> x) => Vector<double>.One / (Vector<double>.One + Exp(-x));
    }

    /// <summary>Test hook: exp, tanh or sigmoid (by <paramref name="function"/>) of floats on the lanes <typeparamref name="TV"/>,
    /// whatever width the runtime would pick.</summary>
    internal static void OnLanes<TV>(string function, ReadOnlySpan<float> x, Span<float> y) where TV : struct, IFloatLanes<TV>
    {
        if (y.Length < x.Length) throw new ArgumentException($"{function}: the destination is shorter than the source.", nameof(y));
        switch (function)
        {
            case "exp": Map<float, TV, ExpFn, Unshifted>(x, y, 0f); break;
            case "tanh": Map<float, TV, TanhFn, Unshifted>(x, y, 0f); break;
            case "sigmoid": Map<float, TV, SigmoidFn, Unshifted>(x, y, 0f); break;
            default: throw new ArgumentException($"OnLanes: unknown function '{function}'; expected exp, tanh or sigmoid.", nameof(function));
        }
    }

    /// <summary>y = f(x) for every element.</summary>
    private static void Map<T, TFn>(string op, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumberBase<T> where TFn : struct, IVectorFunction =>
        Map<T, TFn, Unshifted>(op, x, y, T.Zero);

    /// <summary>y = f(x − <paramref name="shift"/>) for every element, the difference rounded to T first; with
    /// <typeparamref name="TShift"/> = <see cref="Unshifted"/> the subtraction is left out (compiled away), as the maps
    /// are compute-bound (one more operation per vector costs exp about 9 %). Floats run on 512-bit vectors where the
    /// runtime accelerates them (the same bits: every step is lane-wise), otherwise on <see cref="Vector{T}"/>.</summary>
    private static void Map<T, TFn, TShift>(string op, ReadOnlySpan<T> x, Span<T> y, T shift) where T : unmanaged, INumberBase<T>
        where TFn : struct, IVectorFunction where TShift : struct
    {
        if (y.Length < x.Length) throw new ArgumentException($"{op}: the destination is shorter than the source.", nameof(y));
        if (typeof(T) == typeof(float))
        {
            ReadOnlySpan<float> xf = MemoryMarshal.Cast<T, float>(x);
            Span<float> yf = MemoryMarshal.Cast<T, float>(y);
            float sf = Unsafe.As<T, float>(ref shift);
#if NET9_0_OR_GREATER
            if (Vector512.IsHardwareAccelerated)
            {
                Map<float, FloatLanes512, TFn, TShift>(xf, yf, sf);
                return;
            }
#endif
            Map<float, FloatLanes, TFn, TShift>(xf, yf, sf);
            return;
        }
        Map<double, DoubleLanes, TFn, TShift>(MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y), Unsafe.As<T, double>(ref shift));
    }

    private static void Map<T, TV, TFn, TShift>(ReadOnlySpan<T> x, Span<T> y, T shift) where T : unmanaged, INumberBase<T>
        where TV : struct, ILanes<TV, T> where TFn : struct, IVectorFunction where TShift : struct
    {
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        TV s = TV.Create(shift);
        int w = TV.Count, i = 0;
        for (; i <= x.Length - 2 * w; i += 2 * w)   // two independent vectors per turn: the long dependency chains overlap
        {
            TV a = TV.Apply<TFn>(Shift<T, TV, TShift>(TV.Load(ref xs, i), s));
            TV b = TV.Apply<TFn>(Shift<T, TV, TShift>(TV.Load(ref xs, i + w), s));
            TV.Store(a, ref ys, i);
            TV.Store(b, ref ys, i + w);
        }
        for (; i <= x.Length - w; i += w)
            TV.Store(TV.Apply<TFn>(Shift<T, TV, TShift>(TV.Load(ref xs, i), s)), ref ys, i);
        if (i < x.Length)
        {
            // The tail goes through the same vector code (padded), so every element is computed identically.
            Span<T> tail = stackalloc T[w];
            tail.Clear();
            for (int j = i; j < x.Length; j++) tail[j - i] = typeof(TShift) == typeof(Unshifted) ? x[j] : x[j] - shift;
            ref T t = ref MemoryMarshal.GetReference(tail);
            TV.Store(TV.Apply<TFn>(TV.Load(ref t, 0)), ref t, 0);
            tail[..(x.Length - i)].CopyTo(y[i..]);
        }
    }

    /// <summary>Marks a map without a shift (<see cref="Map{T, TFn, TShift}"/>).</summary>
    private struct Unshifted;

    /// <summary>Marks a map of x − shift.</summary>
    private struct Shifted;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Shift<T, TV, TShift>(TV x, TV shift) where T : unmanaged where TV : struct, ILanes<TV, T> where TShift : struct =>
        typeof(TShift) == typeof(Unshifted) ? x : x - shift;

    // ---- float32 (on any IFloatLanes width) ------------------------------------------------------

    /// <summary>eˣ for every float: x = n·ln2 + r with |r| ≤ ln2/2, eˣ = 2ⁿ·(1 + (eʳ − 1)). x is clamped
    /// to [−104, 89] first (beyond, the result is 0 or ∞ anyway), and 2ⁿ is applied as two normal powers
    /// 2ⁿ¹·2ⁿ² so that results overflow to ∞ and underflow through the subnormals as they should.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Exp<TV>(TV x) where TV : struct, IFloatLanes<TV>
    {
        // The common case, every lane in [−87, 88] (none NaN): 2ⁿ is one normal power, n ∈ [−126, 127], read from the
        // low bits of `shifted`. Same bits as the general path: there p·2ⁿ¹ is exact, so both round only once.
        if (TV.AllWithin(x, -87f, 88f))
        {
            TV q = Reduce(x, out _, out TV shifted);
            return (ExpM1Reduced(q) + TV.Create(1f)) * TV.PowerOfTwo(shifted);
        }
        return ExpGeneral(x);
    }

    /// <summary>eˣ for any lanes, including overflow to ∞, subnormal results and NaN.</summary>
    private static TV ExpGeneral<TV>(TV x) where TV : struct, IFloatLanes<TV>
    {
        TV xc = TV.Min(TV.Max(x, TV.Create(-104f)), TV.Create(89f));
        TV r = Reduce(xc, out TV n, out _);
        TV p = ExpM1Reduced(r) + TV.Create(1f);
        (TV s1, TV s2) = TV.PowersOfTwo(n);                        // n ∈ [−150, 129]
        return TV.UnlessNaN(x, p * s1 * s2, x);                   // NaN stays NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Tanh<TV>(TV x) where TV : struct, IFloatLanes<TV>
    {
        TV ax = TV.Abs(x);
        // tanh saturates to 1 in float beyond |x| = 9.1; clamping at 10 keeps 2ⁿ a normal float.
        TV yv = TV.Max(ax * TV.Create(-2f), TV.Create(-20f));
        TV m = ExpM1(yv);
        TV t = TV.Abs(m / (TV.Create(2f) + m));                   // (1 − eʸ)/(1 + eʸ) ≥ 0
        t |= x & TV.Create(-0f);                                   // sign of x
        return TV.UnlessNaN(x, t, x);                             // NaN stays NaN
    }

    /// <summary>eʸ − 1 for −20 ≤ y ≤ 0: y = n·ln2 + r with |r| ≤ ln2/2, eʸ − 1 = 2ⁿ·(eʳ − 1) + (2ⁿ − 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpM1<TV>(TV y) where TV : struct, IFloatLanes<TV>
    {
        TV q = ExpM1Reduced(Reduce(y, out _, out TV shifted));
        TV s = TV.PowerOfTwo(shifted);   // n ∈ [−29, 0]
        return TV.MulAdd(s, q, s - TV.Create(1f));
    }

    /// <summary>r = v − n·ln2 (ln2 split in hi + lo parts) with n = round(v/ln2): adding 1.5·2²³ rounds v/ln2 to the
    /// integer n, held in the low mantissa bits of <paramref name="shifted"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Reduce<TV>(TV v, out TV n, out TV shifted) where TV : struct, IFloatLanes<TV>
    {
        TV magic = TV.Create(12582912f);
        shifted = TV.MulAdd(v, TV.Create(1.44269504f), magic);
        n = shifted - magic;
        TV r = TV.MulAdd(n, TV.Create(-0.693145752f), v);
        return TV.MulAdd(n, TV.Create(-1.42860677e-6f), r);
    }

    /// <summary>eʳ − 1 for |r| ≤ ln2/2 from its Taylor series to r⁷ (relative remainder below 1e-8):
    /// r + r²·(1/2 + r/6 + r²/24 + r³/120 + r⁴/720 + r⁵/5040), the bracket in Estrin's form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpM1Reduced<TV>(TV r) where TV : struct, IFloatLanes<TV>
    {
        TV r2 = r * r;
        TV a = TV.MulAdd(r, TV.Create(1f / 6), TV.Create(0.5f));
        TV b = TV.MulAdd(r, TV.Create(1f / 120), TV.Create(1f / 24));
        TV c = TV.MulAdd(r, TV.Create(1f / 5040), TV.Create(1f / 720));
        TV bracket = TV.MulAdd(TV.MulAdd(c, r2, b), r2, a);
        return TV.MulAdd(r2, bracket, r);
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
