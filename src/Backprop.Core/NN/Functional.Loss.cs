namespace Backprop.NN;

// The loss functions, beside Linear as in PyTorch's torch.nn.functional: fused graph nodes, each returning a
// rank-0 tensor (shape []) recorded as ONE operation whose backward step writes the gradient directly (no chain of
// elementwise nodes), computed stably. Module-style wrappers: MSELoss, BCEWithLogitsLoss, CrossEntropyLoss, ….
// Reductions: MSE is the mean (PyTorch's MSELoss) or, with half: true, the notes' ½·Σ(ŷ − y)² — a SUM over all
// elements, not a mean; BinaryCrossEntropyWithLogits and CrossEntropy(logits, labels) are means over the elements /
// samples; the rest take a Reduction.
public static partial class Functional
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
