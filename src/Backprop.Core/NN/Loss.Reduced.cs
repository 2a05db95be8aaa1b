namespace Backprop.NN;

/// <summary>Negative log-likelihood of log-probabilities [N, C] at class labels, <see cref="Functional.NLLLoss"/>
/// (PyTorch's <c>nn.NLLLoss</c>).</summary>
/// <param name="reduction">Mean (default), Sum or None.</param>
public sealed class NLLLoss(Reduction reduction = Reduction.Mean) : Loss
{
    /// <summary>How the per-sample losses are combined.</summary>
    public Reduction Reduction { get; } = reduction;

    /// <inheritdoc/>
    public override string Name => "nll_loss";

    /// <summary>Not supported: NLL takes class labels.</summary>
    /// <exception cref="ArgumentException">Always.</exception>
    public override Tensor Forward(Tensor prediction, Tensor target) =>
        throw new ArgumentException(
            $"NLLLoss: expected integer class labels (Forward(logProbabilities, int[] labels)), got a float target tensor of shape " +
            $"{Shapes.Format(target.Shape)}; use CrossEntropyLoss for class probabilities.");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor prediction, int[] labels) => Functional.NLLLoss(prediction, labels, Reduction);
}

/// <summary>Absolute error, <see cref="Functional.L1Loss"/> (PyTorch's <c>nn.L1Loss</c>).</summary>
/// <param name="reduction">Mean (default), Sum or None.</param>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss
{
    /// <summary>How the per-element losses are combined.</summary>
    public Reduction Reduction { get; } = reduction;

    /// <inheritdoc/>
    public override string Name => "l1_loss";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor prediction, Tensor target) => Functional.L1Loss(prediction, target, Reduction);
}

/// <summary>Huber loss, <see cref="Functional.HuberLoss"/> (PyTorch's <c>nn.HuberLoss</c>).</summary>
/// <param name="delta">δ &gt; 0 (default 1): where the loss turns from quadratic to linear.</param>
/// <param name="reduction">Mean (default), Sum or None.</param>
public sealed class HuberLoss(double delta = 1.0, Reduction reduction = Reduction.Mean) : Loss
{
    /// <summary>δ.</summary>
    public double Delta { get; } = delta;

    /// <summary>How the per-element losses are combined.</summary>
    public Reduction Reduction { get; } = reduction;

    /// <inheritdoc/>
    public override string Name => "huber_loss";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor prediction, Tensor target) => Functional.HuberLoss(prediction, target, Delta, Reduction);
}
