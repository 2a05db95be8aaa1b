using System.Globalization;

namespace Backprop.NN;

/// <summary>
/// Batch normalisation over a batch of feature vectors [N, C] (PyTorch's <c>nn.BatchNorm1d</c> on 2-D input):
/// y = γ ⊙ (x − μ)/√(σ² + ε) + β per feature. In training mode μ and σ² are the batch's (σ² biased), the gradient flows
/// through them too, and the running statistics move towards them: r ← (1 − momentum)·r + momentum·batch value, with
/// the unbiased σ²·N/(N − 1) for the running variance. In evaluation mode the running statistics are used instead.
/// </summary>
/// <remarks>Parameters "Weight" (γ, ones) and "Bias" (β, zeros); buffers "RunningMean" (zeros), "RunningVar" (ones) and
/// "NumBatchesTracked", saved with the model.</remarks>
public sealed class BatchNorm1d : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="numFeatures">C, the features per sample.</param>
    /// <param name="eps">ε, added to the variance.</param>
    /// <param name="momentum">How far the running statistics move towards each batch's, in (0, 1].</param>
    /// <param name="affine">Whether the layer has γ and β.</param>
    /// <param name="dtype">Element type of the parameters and buffers.</param>
    public BatchNorm1d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true, DType dtype = DType.Float32)
    {
        if (numFeatures <= 0) throw new ArgumentException($"BatchNorm1d: expected num_features > 0, got {numFeatures}.", nameof(numFeatures));
        if (!(eps > 0)) throw new ArgumentException($"BatchNorm1d: expected eps > 0, got {eps.ToString(CultureInfo.InvariantCulture)}.", nameof(eps));
        if (!(momentum > 0 && momentum <= 1))
            throw new ArgumentException($"BatchNorm1d: expected momentum in (0, 1], got {momentum.ToString(CultureInfo.InvariantCulture)}.", nameof(momentum));
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            Weight = RegisterParameter("Weight", Tensor.Ones([numFeatures], dtype));
            Bias = RegisterParameter("Bias", Tensor.Zeros([numFeatures], dtype));
        }
        RunningMean = RegisterBuffer("RunningMean", Tensor.Zeros([numFeatures], dtype));
        RunningVar = RegisterBuffer("RunningVar", Tensor.Ones([numFeatures], dtype));
        // Float64 whatever the layer's dtype: a float32 counter would stop at 2²⁴ batches (PyTorch keeps an int64).
        NumBatchesTracked = RegisterBuffer("NumBatchesTracked", Tensor.Scalar(0, DType.Float64));
    }

    /// <summary>C, the features per sample.</summary>
    public int NumFeatures { get; }

    /// <summary>ε, added to the variance.</summary>
    public double Eps { get; }

    /// <summary>How far the running statistics move towards each training batch's.</summary>
    public double Momentum { get; }

    /// <summary>γ [C], or null without affine parameters.</summary>
    public Tensor? Weight { get; }

    /// <summary>β [C], or null without affine parameters.</summary>
    public Tensor? Bias { get; }

    /// <summary>The running mean [C], used in evaluation mode.</summary>
    public Tensor RunningMean { get; }

    /// <summary>The running (unbiased) variance [C], used in evaluation mode.</summary>
    public Tensor RunningVar { get; }

    /// <summary>How many training batches have updated the running statistics (a rank-0 float64 tensor, exact up to 2⁵³).</summary>
    public Tensor NumBatchesTracked { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType != RunningMean.DType)
            throw new ArgumentException($"BatchNorm1d: the input is {input.DType} but the layer is {RunningMean.DType}.", nameof(input));
        Tensor y = Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, IsTraining, Momentum, Eps);
        if (IsTraining)
            using (new NoGrad()) Tensor.Add(NumBatchesTracked, Tensor.Scalar(1, NumBatchesTracked.DType), NumBatchesTracked);
        return y;
    }

    /// <inheritdoc/>
    protected override string ExtraRepresentation() =>
        string.Create(CultureInfo.InvariantCulture, $"{NumFeatures}, eps={Eps}, momentum={Momentum}, affine={(Weight is null ? "False" : "True")}");
}
