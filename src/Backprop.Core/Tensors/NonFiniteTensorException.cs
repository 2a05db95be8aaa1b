namespace Backprop;

/// <summary>
/// Thrown in anomaly-detection mode (<see cref="Tensor.DetectAnomaly"/>) when an operation turns finite
/// numbers into NaN or ±∞, in its forward pass or in its backward pass. <see cref="Op"/> names it.
/// </summary>
public sealed class NonFiniteTensorException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="op">The operation that produced the non-finite number.</param>
    /// <param name="node">The tensor that operation produced (or, in the backward pass, the node being differentiated).</param>
    /// <param name="message">What happened.</param>
    public NonFiniteTensorException(string op, Tensor node, string message) : base(message)
    {
        Op = op;
        Node = node;
    }

    /// <summary>The operation that produced the non-finite number ("log", "/", ...).</summary>
    public string Op { get; }

    /// <summary>The node computed by that operation.</summary>
    public Tensor Node { get; }
}
