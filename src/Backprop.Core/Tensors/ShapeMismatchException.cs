namespace Backprop;

/// <summary>
/// Thrown when the shapes of an operation's operands do not fit together, e.g.
/// "matmul: cannot multiply [2, 3] by [4, 5]: expected the inner dimensions to agree (3 ≠ 4)".
/// The message always names the operation and both shapes.
/// </summary>
public sealed class ShapeMismatchException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="op">The operation that failed ("matmul", "add", ...).</param>
    /// <param name="left">The shape of the first operand (or the tensor being transformed).</param>
    /// <param name="right">The shape of the second operand (or the requested shape).</param>
    /// <param name="message">The full message; it must name <paramref name="op"/> and both shapes.</param>
    public ShapeMismatchException(string op, IReadOnlyList<int> left, IReadOnlyList<int> right, string message)
        : base(message)
    {
        Op = op;
        LeftShape = [.. left];
        RightShape = [.. right];
    }

    /// <summary>The operation that failed.</summary>
    public string Op { get; }

    /// <summary>The shape of the first operand.</summary>
    public IReadOnlyList<int> LeftShape { get; }

    /// <summary>The shape of the second operand (or the requested shape).</summary>
    public IReadOnlyList<int> RightShape { get; }
}
