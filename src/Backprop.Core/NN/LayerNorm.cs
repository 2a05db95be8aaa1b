using System.Globalization;

namespace Backprop.NN;

/// <summary>
/// Layer normalisation over the last axis (PyTorch's <c>nn.LayerNorm(D)</c>): y = γ ⊙ (x − μ)/√(σ² + ε) + β, with μ and
/// the biased σ² of each sample's D features. The same in training and evaluation; the gradient flows through μ and σ².
/// </summary>
/// <remarks>Parameters "Weight" (γ [D], ones) and "Bias" (β [D], zeros) with elementwise affine.</remarks>
public sealed class LayerNorm : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="normalizedShape">D, the size of the last axis.</param>
    /// <param name="eps">ε, added to the variance.</param>
    /// <param name="elementwiseAffine">Whether the layer has γ and β.</param>
    /// <param name="dtype">Element type of the parameters.</param>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
    {
        if (normalizedShape <= 0) throw new ArgumentException($"LayerNorm: expected normalized_shape > 0, got {normalizedShape}.", nameof(normalizedShape));
        if (!(eps > 0)) throw new ArgumentException($"LayerNorm: expected eps > 0, got {eps.ToString(CultureInfo.InvariantCulture)}.", nameof(eps));
        NormalizedShape = normalizedShape;
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("Weight", Tensor.Ones([normalizedShape], dtype));
            Bias = RegisterParameter("Bias", Tensor.Zeros([normalizedShape], dtype));
        }
    }

    /// <summary>D, the size of the normalised last axis.</summary>
    public int NormalizedShape { get; }

    /// <summary>ε, added to the variance.</summary>
    public double Eps { get; }

    /// <summary>γ [D], or null without affine parameters.</summary>
    public Tensor? Weight { get; }

    /// <summary>β [D], or null without affine parameters.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank == 0 || input.Shape[^1] != NormalizedShape)
            throw new ShapeMismatchException("LayerNorm", [.. input.Shape], [-1, NormalizedShape],
                $"LayerNorm: expected input whose last dimension is {NormalizedShape}, got {Shapes.Format(input.Shape)}.");
        return Functional.LayerNorm(input, Weight, Bias, Eps);
    }

    /// <inheritdoc/>
    protected override string ExtraRepresentation() =>
        string.Create(CultureInfo.InvariantCulture, $"({NormalizedShape},), eps={Eps}, elementwise_affine={(Weight is null ? "False" : "True")}");
}
