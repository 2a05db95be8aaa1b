namespace Backprop;

/// <summary>
/// Thrown by an opt-in anomaly check when a forward value or a gradient becomes NaN or infinite;
/// <see cref="Node"/> is the first node that produced it.
/// </summary>
public sealed class NonFiniteValueException : ArithmeticException
{
    /// <summary>Creates the exception for <paramref name="node"/>.</summary>
    public NonFiniteValueException(Value node, string message) : base(message) => Node = node;

    /// <summary>The node that produced the non-finite number.</summary>
    public Value Node { get; }
}
