namespace Backprop;

// Elementwise ops that write into a tensor the caller owns instead of allocating a result, like PyTorch's
// out= (and the destination spans of TensorPrimitives): for loops over large tensors, where a fresh
// multi-megabyte result per call costs more than the arithmetic. As in PyTorch, these are not
// differentiable: they refuse inputs that would be recorded for autograd. Each write bumps the destination's Version.
public sealed partial class Tensor
{
    /// <summary>destination ← a + b (broadcasting), without allocating. Returns <paramref name="destination"/>.</summary>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    /// <param name="destination">A leaf with the broadcast result's shape and the operands' dtype. It may be one
    /// of the operands (an in-place update).</param>
    /// <exception cref="ShapeMismatchException">The operands do not broadcast, or the destination has another shape.</exception>
    /// <exception cref="InvalidOperationException">An operand or the destination requires gradients (outside
    /// <see cref="NoGrad"/>), or the destination was computed by a recorded op.</exception>
    public static Tensor Add(Tensor a, Tensor b, Tensor destination) => Into<AddOperator>(a, b, destination);

    /// <summary>destination ← a − b (broadcasting), without allocating. See <see cref="Add(Tensor, Tensor, Tensor)"/>.</summary>
    /// <param name="a">The minuend.</param>
    /// <param name="b">The subtrahend.</param>
    /// <param name="destination">A leaf with the result's shape and dtype (may be an operand).</param>
    public static Tensor Subtract(Tensor a, Tensor b, Tensor destination) => Into<SubtractOperator>(a, b, destination);

    /// <summary>destination ← a · b elementwise (broadcasting), without allocating. See <see cref="Add(Tensor, Tensor, Tensor)"/>.</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="destination">A leaf with the result's shape and dtype (may be an operand).</param>
    public static Tensor Multiply(Tensor a, Tensor b, Tensor destination) => Into<MultiplyOperator>(a, b, destination);

    /// <summary>destination ← a / b elementwise (broadcasting), without allocating. See <see cref="Add(Tensor, Tensor, Tensor)"/>.</summary>
    /// <param name="a">The dividend.</param>
    /// <param name="b">The divisor.</param>
    /// <param name="destination">A leaf with the result's shape and dtype (may be an operand).</param>
    public static Tensor Divide(Tensor a, Tensor b, Tensor destination) => Into<DivideOperator>(a, b, destination);

    /// <summary>destination ← eˣ, without allocating. Returns <paramref name="destination"/>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="destination">A leaf of <paramref name="x"/>'s shape and dtype (may be <paramref name="x"/>).</param>
    /// <exception cref="ShapeMismatchException">The destination has another shape.</exception>
    /// <exception cref="InvalidOperationException">The input or the destination requires gradients (outside
    /// <see cref="NoGrad"/>), or the destination was computed by a recorded op.</exception>
    public static Tensor Exp(Tensor x, Tensor destination) => MapInto<ExpOperator>(x, destination);

    /// <summary>destination ← ln x, without allocating. See <see cref="Exp(Tensor, Tensor)"/>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="destination">A leaf of <paramref name="x"/>'s shape and dtype (may be <paramref name="x"/>).</param>
    public static Tensor Log(Tensor x, Tensor destination) => MapInto<LogOperator>(x, destination);

    /// <summary>destination ← √x, without allocating. See <see cref="Exp(Tensor, Tensor)"/>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="destination">A leaf of <paramref name="x"/>'s shape and dtype (may be <paramref name="x"/>).</param>
    public static Tensor Sqrt(Tensor x, Tensor destination) => MapInto<SqrtOperator>(x, destination);

    /// <summary>destination ← tanh x, without allocating. See <see cref="Exp(Tensor, Tensor)"/>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="destination">A leaf of <paramref name="x"/>'s shape and dtype (may be <paramref name="x"/>).</param>
    public static Tensor Tanh(Tensor x, Tensor destination) => MapInto<TanhOperator>(x, destination);

    /// <summary>destination ← σ(x), without allocating. See <see cref="Exp(Tensor, Tensor)"/>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="destination">A leaf of <paramref name="x"/>'s shape and dtype (may be <paramref name="x"/>).</param>
    public static Tensor Sigmoid(Tensor x, Tensor destination) => MapInto<SigmoidOperator>(x, destination);

    /// <summary>destination ← max(0, x), without allocating. See <see cref="Exp(Tensor, Tensor)"/>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="destination">A leaf of <paramref name="x"/>'s shape and dtype (may be <paramref name="x"/>).</param>
    public static Tensor Relu(Tensor x, Tensor destination) => MapInto<ReluOperator>(x, destination);

    private static Tensor Into<TOp>(Tensor a, Tensor b, Tensor destination) where TOp : IBinaryOperator
    {
        string op = TOp.Op.Name;
        Broadcast bc = Broadcast.Of(op, a, b);
        CheckDestination(op, destination, bc.Shape, a, b);
        destination.BumpVersion();
        DTypeSwitch.Invoke(a.DType, new BinaryForward<TOp>(bc, a, b, destination));
        if (s_detectAnomaly) CheckForward(op, destination, [a, b]);
        return destination;
    }

    private static Tensor MapInto<TOp>(Tensor x, Tensor destination) where TOp : IUnaryOperator
    {
        string op = TOp.Describe(default).Name;
        ArgumentNullException.ThrowIfNull(x);
        CheckDestination(op, destination, x._shape, x, null);
        destination.BumpVersion();
        DTypeSwitch.Invoke(x.DType, new UnaryForward<TOp>(x, default, destination));
        if (s_detectAnomaly) CheckForward(op, destination, [x]);
        return destination;
    }

    // Every element of the destination is written from the operands' elements at the same position (an operand
    // that shares the destination's storage has its element count, so it is not broadcast), so in place is safe.
    private static void CheckDestination(string op, Tensor destination, int[] shape, Tensor a, Tensor? b)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!NoGrad.IsActive && (a._requiresGrad || (b is not null && b._requiresGrad)))
            throw new InvalidOperationException(
                $"{op}: an operand requires gradients, and an op that writes into a destination records no graph; " +
                $"use the allocating form of {op} to differentiate, or run it inside a NoGrad scope.");
        // A parameter may be updated in place inside NoGrad (a hand-written optimizer step), as in PyTorch.
        if (!destination.IsLeaf || (destination._requiresGrad && !NoGrad.IsActive))
            throw new InvalidOperationException(
                $"{op}: the destination {destination.DisplayName} {(destination.IsLeaf ? "requires gradients" : $"was computed by '{destination.Op}'")}; " +
                "expected a leaf, and one that requires gradients only inside a NoGrad scope (an in-place parameter update).");
        if (!Shapes.Equal(destination._shape, shape))
            throw new ShapeMismatchException(op, shape, destination._shape,
                $"{op}: the destination has shape {Shapes.Format(destination._shape)}; expected the result's shape {Shapes.Format(shape)}.");
        Shapes.CheckSameDType(op, a, destination);
    }
}
