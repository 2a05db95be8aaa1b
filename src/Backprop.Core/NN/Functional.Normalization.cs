namespace Backprop.NN;

// Batch norm and layer norm share one step: x̂ = (x − μ)/√(σ² + ε) along an axis, with the biased σ², then γ ⊙ x̂ + β.
// Both are recorded as ordinary ops, so autograd also differentiates through μ and σ² (the batch statistics).
public static partial class Functional
{
    /// <summary>
    /// Batch normalisation of [N, C] (PyTorch's <c>F.batch_norm</c>): y = γ ⊙ (x − μ)/√(σ² + ε) + β per feature. With
    /// <paramref name="training"/> μ and σ² are the batch's (σ² biased) and, when given, the running statistics move
    /// towards them (r ← (1 − momentum)·r + momentum·batch value, the variance unbiased: σ²·N/(N − 1)); otherwise the
    /// running statistics are used.
    /// </summary>
    /// <param name="x">The input, [N, C].</param>
    /// <param name="runningMean">The running mean [C] (required when not training), updated in place when training.</param>
    /// <param name="runningVar">The running variance [C] (required when not training), updated in place when training.</param>
    /// <param name="weight">γ [C], or null.</param>
    /// <param name="bias">β [C], or null.</param>
    /// <param name="training">Use and track the batch statistics.</param>
    /// <param name="momentum">How far the running statistics move towards the batch's.</param>
    /// <param name="eps">ε, added to the variance.</param>
    /// <exception cref="ShapeMismatchException">The input is not [N, C] for the statistics' C.</exception>
    /// <exception cref="ArgumentException">Training on one sample, or evaluating without running statistics.</exception>
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(x);
        int c = (runningMean ?? weight ?? bias)?.ElementCount ?? (x.Rank == 2 ? x.Shape[1] : -1);
        if (x.Rank != 2 || x.Shape[1] != c)
            throw new ShapeMismatchException("BatchNorm", [.. x.Shape], [-1, c],
                $"BatchNorm: expected input of shape [N, {c}], got {Shapes.Format(x.Shape)}.");
        if (!training)
        {
            if (runningMean is null || runningVar is null)
                throw new ArgumentException("BatchNorm: evaluation needs the running mean and variance.", nameof(runningMean));
            return Affine((x - runningMean) / (runningVar + eps).Sqrt(), weight, bias);
        }
        int n = x.Shape[0];
        if (n < 2)
            throw new ArgumentException($"BatchNorm: expected more than 1 value per feature when training, got input of shape {Shapes.Format(x.Shape)}.", nameof(x));
        Tensor xHat = Standardize(x, 0, eps, out Tensor mean, out Tensor variance);
        if (runningMean is not null && runningVar is not null)
            using (new NoGrad())
            {
                Tensor.Add(runningMean * (1 - momentum), mean.Reshape(c) * momentum, runningMean);
                Tensor.Add(runningVar * (1 - momentum), variance.Reshape(c) * (momentum * n / (n - 1)), runningVar);
            }
        return Affine(xHat, weight, bias);
    }

    /// <summary>
    /// Layer normalisation over the last axis (PyTorch's <c>F.layer_norm</c> with a one-dimensional normalised shape):
    /// y = γ ⊙ (x − μ)/√(σ² + ε) + β with μ and the biased σ² of each sample's last-axis features.
    /// </summary>
    /// <param name="x">The input, [..., D].</param>
    /// <param name="weight">γ [D], or null.</param>
    /// <param name="bias">β [D], or null.</param>
    /// <param name="eps">ε, added to the variance.</param>
    public static Tensor LayerNorm(Tensor x, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d = (weight ?? bias)?.ElementCount ?? (x.Rank > 0 ? x.Shape[^1] : -1);
        if (x.Rank == 0 || x.Shape[^1] != d)
            throw new ShapeMismatchException("LayerNorm", [.. x.Shape], [-1, d],
                $"LayerNorm: expected input whose last dimension is {d}, got {Shapes.Format(x.Shape)}.");
        return Affine(Standardize(x, -1, eps, out _, out _), weight, bias);
    }

    /// <summary>x̂ = (x − μ)/√(σ² + ε) along <paramref name="axis"/>, with μ and the biased σ² (axis kept).</summary>
    private static Tensor Standardize(Tensor x, int axis, double eps, out Tensor mean, out Tensor variance)
    {
        mean = x.Mean(axis, keepDim: true);
        Tensor centred = x - mean;
        variance = centred.Pow(2).Mean(axis, keepDim: true);
        return centred / (variance + eps).Sqrt();
    }

    /// <summary>γ ⊙ x̂ + β, or x̂ where they are null.</summary>
    private static Tensor Affine(Tensor xHat, Tensor? weight, Tensor? bias)
    {
        Tensor y = weight is null ? xHat : xHat * weight;
        return bias is null ? y : y + bias;
    }
}
