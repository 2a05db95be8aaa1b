namespace Backprop.NN;

/// <summary>
/// A loss as an object (PyTorch's <c>nn.MSELoss</c> etc.), so a trainer can be told which one to use.
/// Takes predictions and either float targets or integer class labels.
/// </summary>
public abstract class Loss
{
    /// <summary>A short name ("mse", "bce_logits", "cross_entropy").</summary>
    public abstract string Name { get; }

    /// <summary>The loss of <paramref name="prediction"/> against float targets of the same shape.</summary>
    public abstract Tensor Forward(Tensor prediction, Tensor target);

    /// <summary>
    /// The loss against class labels. By default the labels become float targets of the prediction's shape:
    /// one-hot rows for predictions [N, C] with C &gt; 1, and the label itself (0 or 1) for one output per
    /// sample ([N] or [N, 1]). <see cref="CrossEntropyLoss"/> uses the labels directly.
    /// </summary>
    public virtual Tensor Forward(Tensor prediction, int[] labels) => Forward(prediction, LabelTargets(prediction, labels, Name));

    /// <summary>Float targets for class labels, shaped like <paramref name="prediction"/> (see <see cref="Forward(Tensor, int[])"/>).</summary>
    /// <exception cref="ShapeMismatchException">The prediction has no row per label.</exception>
    public static Tensor LabelTargets(Tensor prediction, int[] labels, string op = "LabelTargets")
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(labels);
        int n = labels.Length;
        bool oneColumn = prediction.Rank == 1 || (prediction.Rank == 2 && prediction.Shape[1] == 1);
        if (prediction.Rank is < 1 or > 2 || prediction.Shape[0] != n)
            throw new ShapeMismatchException(op, prediction.Shape, [n],
                $"{op}: predictions of shape {Shapes.Format(prediction.Shape)} do not fit {n} labels; expected [{n}], [{n}, 1] or [{n}, C].");
        var target = Tensor.Zeros([.. prediction.Shape], prediction.DType);
        int c = oneColumn ? 2 : prediction.Shape[1];
        for (int i = 0; i < n; i++)
        {
            if ((uint)labels[i] >= (uint)c)
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i],
                    $"{op}: label {labels[i]} of sample {i} is out of range for predictions of shape {Shapes.Format(prediction.Shape)}; expected [0, {c - 1}].");
            if (oneColumn) target.SetFlat(i, labels[i]);
            else target.SetFlat(i * c + labels[i], 1.0);
        }
        return target;
    }

    /// <inheritdoc/>
    public override string ToString() => GetType().Name + "()";
}

/// <summary>Squared error, <see cref="Functional.MSE"/>: the mean by default, or ½·Σ(ŷ − y)² (a sum) with <c>half</c>.</summary>
/// <param name="half">Use the notes' ½·Σ(ŷ − y)² instead of PyTorch's mean.</param>
public sealed class MSELoss(bool half = false) : Loss
{
    /// <summary>True for ½·Σ(ŷ − y)², false for the mean.</summary>
    public bool Half { get; } = half;

    /// <inheritdoc/>
    public override string Name => Half ? "mse_half" : "mse";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor prediction, Tensor target) => Functional.MSE(prediction, target, Half);

    /// <inheritdoc/>
    public override string ToString() => Half ? "MSELoss(half=True)" : "MSELoss()";
}

/// <summary>Binary cross-entropy on logits, <see cref="Functional.BinaryCrossEntropyWithLogits"/> (mean).</summary>
public sealed class BCEWithLogitsLoss : Loss
{
    /// <inheritdoc/>
    public override string Name => "bce_logits";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor prediction, Tensor target) => Functional.BinaryCrossEntropyWithLogits(prediction, target);
}

/// <summary>Softmax cross-entropy on logits [N, C] (PyTorch's <c>nn.CrossEntropyLoss</c>): with class labels
/// (<see cref="Functional.CrossEntropy(Tensor, int[])"/>) or class probabilities
/// (<see cref="Functional.CrossEntropy(Tensor, Tensor, double, Reduction)"/>), with optional label smoothing and reduction.</summary>
/// <param name="labelSmoothing">ε in [0, 1] (default 0).</param>
/// <param name="reduction">Mean (default), Sum or None.</param>
public sealed class CrossEntropyLoss(double labelSmoothing = 0, Reduction reduction = Reduction.Mean) : Loss
{
    /// <summary>The label smoothing ε.</summary>
    public double LabelSmoothing { get; } = labelSmoothing;

    /// <summary>How the per-sample losses are combined.</summary>
    public Reduction Reduction { get; } = reduction;

    /// <inheritdoc/>
    public override string Name => "cross_entropy";

    /// <summary>The loss against class probabilities of the logits' shape [N, C].</summary>
    public override Tensor Forward(Tensor prediction, Tensor target) => Functional.CrossEntropy(prediction, target, LabelSmoothing, Reduction);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor prediction, int[] labels) =>
        LabelSmoothing == 0 && Reduction == Reduction.Mean
            ? Functional.CrossEntropy(prediction, labels)
            : Functional.CrossEntropy(prediction, labels, LabelSmoothing, Reduction);
}
