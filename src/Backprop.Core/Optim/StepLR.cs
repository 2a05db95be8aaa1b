namespace Backprop.Optim;

/// <summary>Multiplies the learning rate by γ every <see cref="StepSize"/> epochs: η_t = η₀·γ^⌊t/stepSize⌋.</summary>
public sealed class StepLR : LRScheduler
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="stepSize">Epochs between decays (≥ 1).</param>
    /// <param name="gamma">The decay factor γ (default 0.1).</param>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        if (stepSize < 1) throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "StepLR: expected stepSize ≥ 1.");
        if (!(gamma >= 0) || !double.IsFinite(gamma)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "StepLR: expected a finite gamma ≥ 0.");
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>γ.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    protected override double NextLearningRate(int epoch, double current) => epoch % StepSize == 0 ? current * Gamma : current;
}
