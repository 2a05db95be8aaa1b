namespace Backprop.NN;

/// <summary>
/// Loss functions as fused graph nodes: each returns a rank-0 tensor (shape []) recorded as ONE operation
/// whose backward step writes the gradient directly (no chain of elementwise nodes), computed stably.
/// Module-style wrappers: <see cref="MSELoss"/>, <see cref="BCEWithLogitsLoss"/>, <see cref="CrossEntropyLoss"/>.
/// </summary>
/// <remarks>Reductions: <see cref="MSE"/> is the mean (PyTorch's MSELoss) or, with <c>half: true</c>, the notes'
/// ½·Σ(ŷ − y)² — a SUM over all elements, not a mean; the other two are means over the elements / samples.</remarks>
public static partial class Losses
{
    private static void CheckSameShape(string op, Tensor prediction, Tensor target, string what)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (!prediction.Shape.SequenceEqual(target.Shape))
            throw new ShapeMismatchException(op, prediction.Shape, target.Shape,
                $"{op}: the {what} have shape {Shapes.Format(prediction.Shape)} but the targets have shape {Shapes.Format(target.Shape)}; expected equal shapes (no broadcasting).");
        Shapes.CheckSameDType(op, prediction, target);
        if (prediction.ElementCount == 0)
            throw new ArgumentException($"{op}: the {what} {Shapes.Format(prediction.Shape)} are empty; expected at least one element.");
    }

    /// <summary>A rank-0 result of the given dtype.</summary>
    private static Tensor ScalarResult(DType dtype, double value) => Tensor.Scalar(value, dtype);
}
