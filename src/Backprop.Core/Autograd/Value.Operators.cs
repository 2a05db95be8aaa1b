namespace Backprop;

// Arithmetic: each operator states its forward value and its local derivatives, in that order.
public sealed partial class Value
{
    /// <summary>a + b. ∂/∂a = 1, ∂/∂b = 1.</summary>
    public static Value operator +(Value a, Value b) =>
        Binary("+", a.Data + b.Data, a, 1.0, b, 1.0);

    /// <summary>a − b. ∂/∂a = 1, ∂/∂b = −1.</summary>
    public static Value operator -(Value a, Value b) =>
        Binary("-", a.Data - b.Data, a, 1.0, b, -1.0);

    /// <summary>a · b. ∂/∂a = b, ∂/∂b = a.</summary>
    public static Value operator *(Value a, Value b) =>
        Binary("*", a.Data * b.Data, a, b.Data, b, a.Data);

    /// <summary>a / b. ∂/∂a = 1/b, ∂/∂b = −a/b². Division by zero follows IEEE (±∞ or NaN), never hidden.</summary>
    public static Value operator /(Value a, Value b) =>
        Binary("/", a.Data / b.Data, a, 1.0 / b.Data, b, -a.Data / (b.Data * b.Data));

    /// <summary>−a. ∂/∂a = −1.</summary>
    public static Value operator -(Value a) => Unary("neg", -a.Data, a, -1.0);

    /// <summary>+a (returns a itself).</summary>
    public static Value operator +(Value a) => a;

    // Mixed with double on either side: the double becomes a constant leaf, as in micrograd.
    // (F# resolves operators through these members; it does not apply implicit conversions to them.)

    /// <summary>a + c.</summary>
    public static Value operator +(Value a, double c) => a + Constant(c);
    /// <summary>c + a.</summary>
    public static Value operator +(double c, Value a) => Constant(c) + a;
    /// <summary>a − c.</summary>
    public static Value operator -(Value a, double c) => a - Constant(c);
    /// <summary>c − a.</summary>
    public static Value operator -(double c, Value a) => Constant(c) - a;
    /// <summary>a · c.</summary>
    public static Value operator *(Value a, double c) => a * Constant(c);
    /// <summary>c · a.</summary>
    public static Value operator *(double c, Value a) => Constant(c) * a;
    /// <summary>a / c.</summary>
    public static Value operator /(Value a, double c) => a / Constant(c);
    /// <summary>c / a.</summary>
    public static Value operator /(double c, Value a) => Constant(c) / a;
}
