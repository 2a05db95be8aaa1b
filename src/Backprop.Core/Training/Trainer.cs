using System.Diagnostics;
using Backprop.Data;
using Backprop.IO;
using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Training;

/// <summary>
/// The training loop: for each epoch, seeded shuffled mini-batches → forward → loss → zero grads → backward →
/// optimizer step; then the optional scheduler step and an evaluation on the validation set (evaluation mode,
/// <see cref="NoGrad"/>). Records a <see cref="TrainingHistory"/> and reports <see cref="TrainingProgress"/>.
/// </summary>
/// <remarks>Each training step runs in a <see cref="TensorScope"/>: the batch, the activations and the loss are released
/// at the end of the step and their storage serves the next one, so steps after the first allocate (almost) nothing.
/// A custom <see cref="Loss"/>, metric or progress callback must not keep those tensors beyond the step (copy the
/// numbers out, or call <see cref="Tensor.MoveToOuterScope"/>).</remarks>
/// <example><code>
/// var model = MLP.Create(2, [16, 16], 2, seed: 0);
/// var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), 0.01)) { BatchSize = 32 };
/// TrainingHistory h = trainer.Fit(train, epochs: 50, validation: test, progress: p => Console.WriteLine(p.Loss));
/// </code></example>
public sealed class Trainer
{
    /// <summary>Creates a trainer.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="loss">The loss (labels are used for labelled data sets, targets otherwise).</param>
    /// <param name="optimizer">The optimizer, built on the model's parameters.</param>
    public Trainer(Module model, Loss loss, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        Model = model;
        Loss = loss;
        Optimizer = optimizer;
    }

    /// <summary>The model being trained.</summary>
    public Module Model { get; }

    /// <summary>The loss.</summary>
    public Loss Loss { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>A learning-rate schedule stepped once after each epoch, or null.</summary>
    public LRScheduler? Scheduler { get; init; }

    /// <summary>Samples per mini-batch (default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Seed of the shuffling order (default 0): the same seed gives the same batches.</summary>
    public int Seed { get; init; }

    /// <summary>Shuffle the training samples every epoch (default true).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Report progress every this many steps (default 1; the last step of an epoch is always reported).</summary>
    public int ProgressInterval { get; init; } = 1;

    /// <summary>
    /// The metric of a batch's outputs: by default <see cref="Metrics.Accuracy"/> for labelled data, NaN otherwise.
    /// The batch is valid during the call: its tensors are released after the step and its index and label arrays
    /// are reused by the next one, so copy what you keep.
    /// </summary>
    public Func<Tensor, Batch, double>? Metric { get; init; }

    /// <summary>Rows per batch when evaluating (default 1024).</summary>
    public int EvaluationBatchSize { get; init; } = 1024;

    /// <summary>Write a <see cref="Checkpoint"/> to <see cref="CheckpointPath"/> after every this many epochs (default 0: never).
    /// The file is replaced atomically each time; <see cref="Fit"/>'s <c>resumeFrom</c> continues from it.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>The checkpoint file written every <see cref="CheckpointEvery"/> epochs.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Trains until <paramref name="epochs"/> epochs are complete (from epoch 1, or after the checkpoint's epoch when resuming).</summary>
    /// <param name="train">The training data.</param>
    /// <param name="epochs">The total number of passes over <paramref name="train"/>, counting those of a resumed checkpoint.</param>
    /// <param name="validation">Data evaluated after each epoch, or null.</param>
    /// <param name="progress">Called after steps and at each epoch's end (on the training thread).</param>
    /// <param name="cancellationToken">Stops the run after the current step; the history so far is returned with <see cref="TrainingHistory.Cancelled"/> set.</param>
    /// <param name="resumeFrom">A checkpoint written by <see cref="CheckpointEvery"/> (or <see cref="Checkpoint.Save"/>) for this
    /// model, optimizer type and schedule: the parameters, optimizer and schedule state and the shuffling generator are restored
    /// and training continues with the next epoch, exactly as the run that wrote it would have; the returned history holds the
    /// epochs trained by this call (steps keep their global numbers).</param>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite (the message names the epoch and step).</exception>
    /// <exception cref="ModelFileException">The checkpoint cannot be read or does not fit, or one cannot be written.</exception>
    public TrainingHistory Fit(TensorDataset train, int epochs, TensorDataset? validation = null,
        Action<TrainingProgress>? progress = null, CancellationToken cancellationToken = default, string? resumeFrom = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Trainer.Fit: expected epochs ≥ 0.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Trainer: expected BatchSize ≥ 1.");
        if (train.Count == 0) throw new ArgumentException("Trainer.Fit: the training set is empty.", nameof(train));
        if (CheckpointEvery < 0) throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), CheckpointEvery, "Trainer: expected CheckpointEvery ≥ 0.");
        if (CheckpointEvery > 0 && string.IsNullOrEmpty(CheckpointPath))
            throw new InvalidOperationException("Trainer: CheckpointEvery is set but CheckpointPath is not; expected the file to write.");

        var history = new TrainingHistory();
        var rng = new Rng(Seed);
        int firstEpoch = 1, step = 0;
        if (resumeFrom is not null)
        {
            TrainingPosition position = Checkpoint.Load(resumeFrom, Model, Optimizer, Scheduler, rng);
            (firstEpoch, step) = (position.Epoch + 1, position.Step);
        }
        int stepsPerEpoch = train.BatchCount(BatchSize), totalSteps = stepsPerEpoch * epochs;
        _resumedSteps = step;
        long samples = 0;
        var clock = Stopwatch.StartNew();
        bool wasTraining = Model.IsTraining;
        int[]? order = Interlocked.Exchange(ref _order, null);
        try
        {
            for (int epoch = firstEpoch; epoch <= epochs; epoch++)
            {
                TimeSpan epochStart = clock.Elapsed;
                double lr = Optimizer.LearningRate, lossSum = 0, metricSum = 0;
                int epochSamples = 0, stepInEpoch = 0;
                Model.Train();
                using IEnumerator<Batch> batches = train.ReusedBatches(BatchSize, Shuffle ? rng : null, ref order).GetEnumerator();
                while (true)
                {
                    // One scope per step: the batch, the activations and the loss die with it, and their storage
                    // serves the next step (see TensorScope).
                    using TensorScope scope = Tensor.Scope();
                    if (!batches.MoveNext()) break;
                    Batch batch = batches.Current;
                    if (cancellationToken.IsCancellationRequested)
                    {
                        history.Cancelled = true;
                        return history;
                    }
                    step++;
                    stepInEpoch++;
                    Tensor output = Model.Forward(batch.Features);
                    Tensor loss = ComputeLoss(output, batch);
                    double lossValue = loss.Item();
                    if (!double.IsFinite(lossValue))
                        throw new InvalidOperationException(
                            $"Trainer: the loss became {lossValue} at epoch {epoch}, step {step}; try a smaller learning rate (now {Optimizer.LearningRate}) or check the data.");
                    Optimizer.ZeroGrad();
                    loss.Backward();
                    Optimizer.Step();

                    double metric = ComputeMetric(output, batch);
                    lossSum += lossValue * batch.Count;
                    metricSum += metric * batch.Count;
                    epochSamples += batch.Count;
                    samples += batch.Count;
                    history.Add(new StepRecord(step, epoch, lossValue, metric, lr, batch.Count));

                    bool last = stepInEpoch == stepsPerEpoch;
                    if (progress is not null && (step % Math.Max(1, ProgressInterval) == 0 || last))
                        progress(Snapshot(epoch, epochs, step, totalSteps, stepInEpoch, stepsPerEpoch, lossValue, metric, samples, clock.Elapsed, null));
                }

                double? validationLoss = null, validationMetric = null;
                if (validation is not null)
                {
                    var (vl, vm) = Evaluate(validation);
                    validationLoss = vl;
                    validationMetric = vm;
                }
                Scheduler?.Step();
                var record = new EpochRecord(epoch, lossSum / epochSamples, metricSum / epochSamples, validationLoss, validationMetric, lr,
                    clock.Elapsed - epochStart);
                history.EpochList.Add(record);
                if (CheckpointEvery > 0 && epoch % CheckpointEvery == 0)
                    Checkpoint.Save(CheckpointPath!, Model, Optimizer, Scheduler, new TrainingPosition(epoch, step), rng);
                var lastStep = history.StepList[^1];
                progress?.Invoke(Snapshot(epoch, epochs, step, totalSteps, stepInEpoch, stepsPerEpoch, lastStep.Loss, lastStep.Metric,
                    samples, clock.Elapsed, record));
            }
            return history;
        }
        finally
        {
            history.TotalTime = clock.Elapsed;
            Model.Train(wasTraining);
            _order = order;
        }
    }

    private int _resumedSteps;

    /// <summary>The epoch's sample order, kept between calls so that a step allocates nothing that grows with the data.
    /// A call takes it for its duration (a nested or concurrent call finds none and makes its own).</summary>
    private int[]? _order;

    private TrainingProgress Snapshot(int epoch, int epochs, int step, int totalSteps, int stepInEpoch, int stepsPerEpoch,
        double loss, double metric, long samples, TimeSpan elapsed, EpochRecord? summary)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        return new TrainingProgress
        {
            Epoch = epoch,
            Epochs = epochs,
            Step = step,
            TotalSteps = totalSteps,
            StepInEpoch = stepInEpoch,
            StepsPerEpoch = stepsPerEpoch,
            Loss = loss,
            Metric = metric,
            LearningRate = Optimizer.LearningRate,
            SamplesPerSecond = samples / seconds,
            Elapsed = elapsed,
            Eta = TimeSpan.FromSeconds(seconds / Math.Max(1, step - _resumedSteps) * (totalSteps - step)),
            EpochSummary = summary,
        };
    }

    private Tensor ComputeLoss(Tensor output, Batch batch) =>
        batch.Targets is not null ? Loss.Forward(output, batch.Targets) : Loss.Forward(output, batch.Labels!);

    private double ComputeMetric(Tensor output, Batch batch)
    {
        if (Metric is not null) return Metric(output, batch);
        return batch.Labels is not null ? Metrics.Accuracy(output, batch.Labels) : double.NaN;
    }

    /// <summary>
    /// The loss and metric on <paramref name="data"/> (sample-weighted means over batches of
    /// <see cref="EvaluationBatchSize"/>), with the model in evaluation mode and no graph recorded; the model's
    /// mode is restored afterwards. Each batch's activations are released after it (a <see cref="TensorScope"/>).
    /// </summary>
    public (double Loss, double Metric) Evaluate(TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException("Trainer.Evaluate: the data set is empty; expected at least one sample.", nameof(data));
        bool wasTraining = Model.IsTraining;
        Model.Eval();
        try
        {
            using var _ = new NoGrad();
            double lossSum = 0, metricSum = 0;
            foreach (Batch batch in data.Batches(Math.Max(1, EvaluationBatchSize)))
            {
                using TensorScope scope = Tensor.Scope(); // the batch's activations die here
                Tensor output = Model.Forward(batch.Features);
                lossSum += ComputeLoss(output, batch).Item() * batch.Count;
                metricSum += ComputeMetric(output, batch) * batch.Count;
            }
            return (lossSum / data.Count, metricSum / data.Count);
        }
        finally
        {
            Model.Train(wasTraining);
        }
    }
}
