using System.Globalization;

namespace Backprop;

// Elementary functions. Each is declared once, as a static method holding its forward value and its
// local derivative; the instance form (x.Tanh()) forwards to it. The static names are the ones F#
// looks for, so `exp v`, `log v`, `sqrt v`, `abs v`, `sin v`, `cos v`, `tanh v` and `v ** 2.0` work.
public sealed partial class Value
{
    /// <summary>xᵖ for a constant exponent. ∂/∂x = p·xᵖ⁻¹.</summary>
    /// <exception cref="ArgumentException">The base is negative and the exponent is not an integer.</exception>
    public static Value Pow(Value x, double p)
    {
        if (x.Data < 0 && !double.IsInteger(p))
            throw new ArgumentException(
                $"Pow: the base {x.DisplayName} = {Format(x.Data)} is negative and the exponent {Format(p)} is not an integer; " +
                "expected a non-negative base or an integer exponent (the result is not a real number).", nameof(x));
        // x⁰ = 1 is constant: its derivative is 0 everywhere (p·xᵖ⁻¹ would be 0·∞ = NaN at x = 0).
        double local = p == 0 ? 0.0 : p * Math.Pow(x.Data, p - 1);
        return Unary("^" + p.ToString("G6", CultureInfo.InvariantCulture), Math.Pow(x.Data, p), x, local);
    }

    /// <summary>aᵇ with a differentiable exponent. ∂/∂a = b·aᵇ⁻¹, ∂/∂b = aᵇ·ln a (0 where a = 0 and b ≥ 0, as in PyTorch).</summary>
    /// <exception cref="ArgumentException">The base is negative: ∂/∂b = aᵇ·ln a is not real there.</exception>
    public static Value Pow(Value a, Value b)
    {
        if (a.Data < 0)
            throw new ArgumentException(
                $"Pow: the base {a.DisplayName} = {Format(a.Data)} is negative, so ∂(aᵇ)/∂b = aᵇ·ln a is not a real number; " +
                "expected a non-negative base (use Pow(Value, double) for a constant exponent).", nameof(a));
        double y = Math.Pow(a.Data, b.Data);
        double dB = a.Data == 0 && b.Data >= 0 ? 0.0 : y * Math.Log(a.Data);
        return Binary("pow", y, a, b.Data * Math.Pow(a.Data, b.Data - 1), b, dB);
    }

    /// <summary>eˣ. ∂/∂x = eˣ.</summary>
    public static Value Exp(Value x)
    {
        double e = Math.Exp(x.Data);
        return Unary("exp", e, x, e);
    }

    /// <summary>ln x. ∂/∂x = 1/x.</summary>
    /// <exception cref="ArgumentException">x ≤ 0.</exception>
    public static Value Log(Value x)
    {
        if (!(x.Data > 0))
            throw new ArgumentException(
                $"Log: expected a positive input, got {x.DisplayName} = {Format(x.Data)}.", nameof(x));
        return Unary("log", Math.Log(x.Data), x, 1.0 / x.Data);
    }

    /// <summary>√x. ∂/∂x = 1/(2√x) (+∞ at 0).</summary>
    /// <exception cref="ArgumentException">x &lt; 0.</exception>
    public static Value Sqrt(Value x)
    {
        if (x.Data < 0 || double.IsNaN(x.Data))
            throw new ArgumentException(
                $"Sqrt: expected a non-negative input, got {x.DisplayName} = {Format(x.Data)}.", nameof(x));
        double s = Math.Sqrt(x.Data);
        return Unary("sqrt", s, x, 0.5 / s);
    }

    /// <summary>|x|. ∂/∂x = sign(x), defined as 0 at 0 (as PyTorch does).</summary>
    public static Value Abs(Value x) => Unary("abs", Math.Abs(x.Data), x, Math.Sign(x.Data));

    /// <summary>sin x. ∂/∂x = cos x.</summary>
    public static Value Sin(Value x) => Unary("sin", Math.Sin(x.Data), x, Math.Cos(x.Data));

    /// <summary>cos x. ∂/∂x = −sin x.</summary>
    public static Value Cos(Value x) => Unary("cos", Math.Cos(x.Data), x, -Math.Sin(x.Data));

    /// <summary>tanh x. ∂/∂x = 1 − tanh²x.</summary>
    public static Value Tanh(Value x)
    {
        double t = Math.Tanh(x.Data);
        return Unary("tanh", t, x, TanhDerivative(t));
    }

    /// <summary>σ(x) = 1/(1+e⁻ˣ), computed without overflow. ∂/∂x = σ(x)(1 − σ(x)).</summary>
    public static Value Sigmoid(Value x)
    {
        double s = SigmoidOf(x.Data);
        return Unary("sigmoid", s, x, SigmoidDerivative(s));
    }

    /// <summary>max(0, x). ∂/∂x = 1 for x &gt; 0, else 0 (0 at x = 0, as PyTorch does).</summary>
    public static Value Relu(Value x) => Unary("relu", x.Data > 0 ? x.Data : 0.0, x, ReluDerivative(x.Data));

    /// <summary>x for x &gt; 0, else slope·x. ∂/∂x = 1 for x &gt; 0, else slope (slope at 0, as PyTorch does).</summary>
    public static Value LeakyRelu(Value x, double slope = 0.01)
    {
        if (!double.IsFinite(slope))
            throw new ArgumentException($"LeakyRelu: expected a finite slope, got {Format(slope)}.", nameof(slope));
        return Unary("leaky_relu", x.Data > 0 ? x.Data : slope * x.Data, x, x.Data > 0 ? 1.0 : slope);
    }

    /// <summary>A user-defined function f with derivative f′: the result is f(x) and ∂/∂x = f′(x).</summary>
    /// <param name="x">The input.</param>
    /// <param name="f">The function, e.g. <c>z =&gt; z * z / 2</c>.</param>
    /// <param name="dfdx">Its derivative, e.g. <c>z =&gt; z</c>.</param>
    /// <param name="name">The op name shown in graphs, e.g. "½x²".</param>
    public static Value Apply(Value x, Func<double, double> f, Func<double, double> dfdx, string name)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(dfdx);
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("Apply: expected a non-empty op name for the graph.", nameof(name));
        return Unary(name, f(x.Data), x, dfdx(x.Data));
    }

    /// <summary>Σ xᵢ as one node. ∂/∂xᵢ = 1. The sum of no values is the constant 0.</summary>
    public static Value Sum(IEnumerable<Value> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return SumOf(values.ToArray()); // a copy: the caller may change its collection afterwards
    }

    /// <summary>Σ xᵢ as one node.</summary>
    public static Value Sum(params Value[] values) => Sum((IEnumerable<Value>)values);

    /// <summary>Σ terms as one node that takes ownership of <paramref name="terms"/> (no copy): for
    /// callers that build the array themselves and never touch it again, such as a neuron's preactivation.</summary>
    internal static Value SumOf(Value[] terms)
    {
        if (terms.Length == 0) return Constant(0.0);
        double total = 0;
        for (int i = 0; i < terms.Length; i++)
        {
            Value? term = terms[i];
            if (term is null) ThrowNullTerm(i);
            total += term.Data;
        }
        return NarySum("sum", total, terms);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNullTerm(int index) => throw new ArgumentNullException($"values[{index}]");

    // The scalar activations' local derivatives, declared once: Value's ops and the explicit δ equations
    // (Explicit/ActivationFunction.cs) both use them. The tensor ops declare theirs in Tensor.Functions.cs.

    /// <summary>tanh′(x) = 1 − y² from y = tanh x.</summary>
    internal static double TanhDerivative(double y) => 1.0 - y * y;

    /// <summary>σ′(x) = y(1 − y) from y = σ(x).</summary>
    internal static double SigmoidDerivative(double y) => y * (1.0 - y);

    /// <summary>relu′(x) = 1 for x &gt; 0, else 0 (0 at 0, as PyTorch).</summary>
    internal static double ReluDerivative(double x) => x > 0 ? 1.0 : 0.0;

    /// <summary>σ(x) = 1/(1 + e⁻ˣ) without overflow.</summary>
    internal static double SigmoidOf(double x)
    {
        if (x >= 0) return 1.0 / (1.0 + Math.Exp(-x));
        double e = Math.Exp(x);
        return e / (1.0 + e);
    }

    /// <summary>this raised to a constant power.</summary>
    public Value Pow(double p) => Pow(this, p);
    /// <summary>this raised to a differentiable power.</summary>
    public Value Pow(Value p) => Pow(this, p);
    /// <summary>eᵗʰⁱˢ.</summary>
    public Value Exp() => Exp(this);
    /// <summary>ln this.</summary>
    public Value Log() => Log(this);
    /// <summary>√this.</summary>
    public Value Sqrt() => Sqrt(this);
    /// <summary>|this|.</summary>
    public Value Abs() => Abs(this);
    /// <summary>sin this.</summary>
    public Value Sin() => Sin(this);
    /// <summary>cos this.</summary>
    public Value Cos() => Cos(this);
    /// <summary>tanh this.</summary>
    public Value Tanh() => Tanh(this);
    /// <summary>σ(this).</summary>
    public Value Sigmoid() => Sigmoid(this);
    /// <summary>max(0, this).</summary>
    public Value Relu() => Relu(this);
    /// <summary>Leaky ReLU of this.</summary>
    public Value LeakyRelu(double slope = 0.01) => LeakyRelu(this, slope);
    /// <summary>A user-defined function of this; see <see cref="Apply(Value, Func{double, double}, Func{double, double}, string)"/>.</summary>
    public Value Apply(Func<double, double> f, Func<double, double> dfdx, string name) => Apply(this, f, dfdx, name);
}
