namespace Backprop.Optim;

/// <summary>
/// Cosine annealing from η₀ down to η_min over <see cref="TMax"/> epochs (and back up, periodically, after that):
/// η_t = η_min + (η₀ − η_min)·(1 + cos(π·t/T_max))/2, computed with PyTorch's recursive form.
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="tMax">T_max: epochs of a half period (≥ 1).</param>
    /// <param name="etaMin">η_min (default 0).</param>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0) : base(optimizer)
    {
        if (tMax < 1) throw new ArgumentOutOfRangeException(nameof(tMax), tMax, "CosineAnnealingLR: expected tMax ≥ 1.");
        if (!(etaMin >= 0) || !double.IsFinite(etaMin)) throw new ArgumentOutOfRangeException(nameof(etaMin), etaMin, "CosineAnnealingLR: expected a finite etaMin ≥ 0.");
        TMax = tMax;
        EtaMin = etaMin;
    }

    /// <summary>T_max.</summary>
    public int TMax { get; }

    /// <summary>η_min.</summary>
    public double EtaMin { get; }

    /// <inheritdoc/>
    protected override double NextLearningRate(int epoch, double current)
    {
        // torch/optim/lr_scheduler.py (1.13), CosineAnnealingLR.get_lr
        if ((epoch - 1 - TMax) % (2 * TMax) == 0)
            return current + (BaseLearningRate - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2;
        return (1 + Math.Cos(Math.PI * epoch / TMax)) / (1 + Math.Cos(Math.PI * (epoch - 1) / TMax)) * (current - EtaMin) + EtaMin;
    }
}
