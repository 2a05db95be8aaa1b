namespace Backprop.Training;

/// <summary>A snapshot passed to the progress callback after a step (and at the end of each epoch), for live views.</summary>
public sealed record TrainingProgress
{
    /// <summary>Current epoch, from 1.</summary>
    public required int Epoch { get; init; }

    /// <summary>Total number of epochs.</summary>
    public required int Epochs { get; init; }

    /// <summary>Global step, from 1.</summary>
    public required int Step { get; init; }

    /// <summary>Total number of steps of the run.</summary>
    public required int TotalSteps { get; init; }

    /// <summary>Step within the epoch, from 1.</summary>
    public required int StepInEpoch { get; init; }

    /// <summary>Steps per epoch.</summary>
    public required int StepsPerEpoch { get; init; }

    /// <summary>The latest mini-batch loss.</summary>
    public required double Loss { get; init; }

    /// <summary>The latest mini-batch metric (NaN when there is none).</summary>
    public required double Metric { get; init; }

    /// <summary>The current learning rate.</summary>
    public required double LearningRate { get; init; }

    /// <summary>Training samples processed per second so far.</summary>
    public required double SamplesPerSecond { get; init; }

    /// <summary>Time since the run started.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Estimated time to finish, from the average step time so far.</summary>
    public required TimeSpan Eta { get; init; }

    /// <summary>The finished epoch's summary when this report closes an epoch; null for a step report.</summary>
    public EpochRecord? EpochSummary { get; init; }
}
