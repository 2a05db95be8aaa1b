namespace Backprop.Training;

/// <summary>One optimizer step.</summary>
/// <param name="Step">Global step number, from 1.</param>
/// <param name="Epoch">Epoch number, from 1.</param>
/// <param name="Loss">The mini-batch loss.</param>
/// <param name="Metric">The mini-batch metric (accuracy by default; NaN when there is none).</param>
/// <param name="LearningRate">The learning rate used by this step.</param>
/// <param name="BatchSize">Samples in the mini-batch.</param>
public sealed record StepRecord(int Step, int Epoch, double Loss, double Metric, double LearningRate, int BatchSize);

/// <summary>One epoch.</summary>
/// <param name="Epoch">Epoch number, from 1.</param>
/// <param name="TrainLoss">Sample-weighted mean of the epoch's mini-batch losses.</param>
/// <param name="TrainMetric">Sample-weighted mean of the epoch's mini-batch metrics.</param>
/// <param name="ValidationLoss">Loss on the validation set (evaluation mode, no gradients), or null without one.</param>
/// <param name="ValidationMetric">Metric on the validation set, or null without one.</param>
/// <param name="LearningRate">The learning rate used during the epoch.</param>
/// <param name="Duration">Wall time of the epoch, including validation.</param>
public sealed record EpochRecord(int Epoch, double TrainLoss, double TrainMetric, double? ValidationLoss, double? ValidationMetric,
    double LearningRate, TimeSpan Duration);

/// <summary>What <see cref="Trainer.Fit"/> recorded: every step, every epoch and the total time.</summary>
[Formatting.TypeFormatterSource(typeof(Formatting.NotebookFormatterSource))]
public sealed class TrainingHistory
{
    internal List<StepRecord> StepList { get; } = [];
    internal List<EpochRecord> EpochList { get; } = [];

    /// <summary>Every optimizer step, in order.</summary>
    public IReadOnlyList<StepRecord> Steps => StepList;

    /// <summary>Every completed epoch, in order.</summary>
    public IReadOnlyList<EpochRecord> Epochs => EpochList;

    /// <summary>Records one step of a hand-written training loop, so that its history plots like one from
    /// <see cref="Trainer.Fit"/>. Steps are numbered from 1 and each is one more than the last recorded.</summary>
    /// <exception cref="ArgumentException">The step number is below 1, or not one more than the last one recorded.</exception>
    public void Add(StepRecord step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (StepList.Count == 0 ? step.Step < 1 : step.Step != StepList[^1].Step + 1)
            throw new ArgumentException(StepList.Count == 0
                ? $"TrainingHistory.Add: step {step.Step} given; steps are numbered from 1."
                : $"TrainingHistory.Add: step {step.Step} given, expected step {StepList[^1].Step + 1} (one more than the last recorded).", nameof(step));
        StepList.Add(step);
    }

    /// <summary>Wall time of the whole run.</summary>
    public TimeSpan TotalTime { get; internal set; }

    /// <summary>True when the run was stopped by its cancellation token before the last epoch finished.</summary>
    public bool Cancelled { get; internal set; }

    /// <summary>e.g. "TrainingHistory: 90 steps, 15 epochs, loss 0.702 → 0.276, validation metric 0.892".</summary>
    public override string ToString()
    {
        if (StepList.Count == 0) return "TrainingHistory: no steps";
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        string text = string.Create(culture, $"TrainingHistory: {StepList.Count} steps, {EpochList.Count} epochs, loss {StepList[0].Loss:G4} → {StepList[^1].Loss:G4}");
        if (EpochList.Count > 0 && EpochList[^1].ValidationMetric is double metric) text += string.Create(culture, $", validation metric {metric:G4}");
        return text + (Cancelled ? " (cancelled)" : "");
    }
}
