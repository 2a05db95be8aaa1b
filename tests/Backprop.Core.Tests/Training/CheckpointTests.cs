using Backprop.Data;
using Backprop.IO;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Training;

namespace Backprop.Core.Tests.Training;

/// <summary>A run stopped after any epoch and resumed from its checkpoint ends with exactly the weights (bit for bit),
/// optimizer state and learning rate of the run that was never interrupted.</summary>
public sealed class CheckpointTests() : TempFolder("bpnn-ckpt-")
{
    private const int Epochs = 5;

    private static readonly TensorDataset Train = TensorDataset.FromClassification(Datasets.TwoMoons(90, 0.15, seed: 4));
    private static readonly TensorDataset TrainF64 = TensorDataset.FromClassification(Datasets.TwoMoons(90, 0.15, seed: 4), DType.Float64);

    public enum Setup { SgdMomentumStepLR, AdamCosine, AdamWAmsgradFloat64, SgdNesterovNoScheduler, AdamBatchNormDropout }

    private sealed record Run(Sequential Model, Optimizer Optimizer, LRScheduler? Scheduler, TensorDataset Data);

    /// <summary>A fresh run; <paramref name="initSeed"/> differs between the two sides, so the resumed run only matches
    /// when the checkpoint really restores the weights.</summary>
    private static Run Build(Setup setup, int initSeed)
    {
        DType dtype = setup == Setup.AdamWAmsgradFloat64 ? DType.Float64 : DType.Float32;
        // With batch norm and dropout, the running statistics (buffers) and the dropout masks' generator must be restored too.
        Sequential model = setup == Setup.AdamBatchNormDropout
            ? new Sequential(new Linear(2, 12, seed: initSeed), new BatchNorm1d(12), new ReLU(), new Dropout(0.2, seed: initSeed + 10), new Linear(12, 2, seed: initSeed + 20))
            : MLP.Create(2, [12, 12], 2, seed: initSeed, dtype: dtype, fuseActivations: setup == Setup.AdamCosine);
        Optimizer optimizer = setup switch
        {
            Setup.SgdMomentumStepLR => new SGD(model.Parameters(), 0.1, momentum: 0.9, weightDecay: 1e-3),
            Setup.AdamCosine or Setup.AdamBatchNormDropout => new Adam(model.Parameters(), 0.02),
            Setup.AdamWAmsgradFloat64 => new AdamW(model.Parameters(), 0.01, amsgrad: true),
            _ => new SGD(model.Parameters(), 0.05, momentum: 0.8, nesterov: true),
        };
        LRScheduler? scheduler = setup switch
        {
            Setup.SgdMomentumStepLR => new StepLR(optimizer, 2, 0.5),
            Setup.AdamCosine => new CosineAnnealingLR(optimizer, 3, 1e-3),
            Setup.AdamWAmsgradFloat64 => new StepLR(optimizer, 1, 0.9),
            _ => null,
        };
        return new Run(model, optimizer, scheduler, dtype == DType.Float64 ? TrainF64 : Train);
    }

    private Trainer TrainerFor(Run run, string? checkpoint = null) =>
        new(run.Model, new CrossEntropyLoss(), run.Optimizer)
        {
            BatchSize = 16, Seed = 7, Scheduler = run.Scheduler, CheckpointEvery = checkpoint is null ? 0 : 1, CheckpointPath = checkpoint,
        };

    [Theory]
    [InlineData(Setup.SgdMomentumStepLR)]
    [InlineData(Setup.AdamCosine)]
    [InlineData(Setup.AdamWAmsgradFloat64)]
    [InlineData(Setup.SgdNesterovNoScheduler)]
    [InlineData(Setup.AdamBatchNormDropout)]
    public void Stopping_at_any_epoch_and_resuming_gives_bit_identical_weights(Setup setup)
    {
        Run reference = Build(setup, initSeed: 1);
        TrainingHistory full = TrainerFor(reference).Fit(reference.Data, Epochs);

        for (int stop = 1; stop < Epochs; stop++)
        {
            string path = PathOf($"{setup}-{stop}.safetensors");
            Run first = Build(setup, initSeed: 1);
            TrainerFor(first, path).Fit(first.Data, stop);

            Run resumed = Build(setup, initSeed: 2);
            TrainingHistory rest = TrainerFor(resumed, path).Fit(resumed.Data, Epochs, resumeFrom: path);

            Assert.Equal(Enumerable.Range(stop + 1, Epochs - stop), rest.Epochs.Select(e => e.Epoch));
            Assert.Equal(full.Steps.Skip(full.Steps.Count - rest.Steps.Count).Select(s => (s.Step, s.Loss, s.LearningRate)),
                rest.Steps.Select(s => (s.Step, s.Loss, s.LearningRate)));
            var expected = reference.Model.NamedState().ToList();
            var actual = resumed.Model.NamedState().ToList();
            Assert.Equal(expected.Select(e => e.Name), actual.Select(a => a.Name));
            for (int i = 0; i < expected.Count; i++)
                Assert.Equal(Bits(expected[i].Tensor), Bits(actual[i].Tensor));
            Assert.Equal(reference.Optimizer.LearningRate, resumed.Optimizer.LearningRate);
            Assert.Equal(reference.Optimizer.StepCount, resumed.Optimizer.StepCount);
            Assert.Equal(reference.Scheduler?.Epoch, resumed.Scheduler?.Epoch);
        }
    }

    private static long[] Bits(Tensor t) => t.ToArray().Select(BitConverter.DoubleToInt64Bits).ToArray();

    [Fact]
    public void A_run_cancelled_after_an_epoch_resumes_from_the_checkpoint_it_wrote()
    {
        Run reference = Build(Setup.AdamCosine, 1);
        TrainerFor(reference).Fit(reference.Data, Epochs);

        string path = PathOf("cancelled.safetensors");
        Run first = Build(Setup.AdamCosine, 1);
        using var cancel = new CancellationTokenSource();
        TrainingHistory stopped = TrainerFor(first, path).Fit(first.Data, Epochs,
            progress: p => { if (p.EpochSummary?.Epoch == 3) cancel.Cancel(); }, cancellationToken: cancel.Token);
        Assert.True(stopped.Cancelled);
        Assert.Equal(3, stopped.Epochs.Count);

        Run resumed = Build(Setup.AdamCosine, 2);
        TrainerFor(resumed).Fit(resumed.Data, Epochs, resumeFrom: path);
        Assert.Equal(Bits(reference.Model.Parameters()[0]), Bits(resumed.Model.Parameters()[0]));
        Assert.Equal(Bits(reference.Model.Parameters()[^1]), Bits(resumed.Model.Parameters()[^1]));
    }

    [Fact]
    public void The_checkpoint_is_a_safetensors_file_with_PyTorch_style_names_and_exact_metadata()
    {
        string path = PathOf("c.safetensors");
        Run run = Build(Setup.AdamCosine, 1);
        TrainerFor(run, path).Fit(run.Data, 2);
        SafetensorsFile file = Safetensors.Read(path);
        Assert.Equal("backprop.checkpoint", file.Metadata["format"]);
        Assert.Equal("1", file.Metadata["version"]);
        Assert.Equal("2", file.Metadata["epoch"]);
        Assert.Equal("12", file.Metadata["step"]);                 // 90 samples / 16 → 6 steps per epoch
        Assert.Equal("Adam", file.Metadata["optimizer.type"]);
        Assert.Equal(run.Optimizer.LearningRate, double.Parse(file.Metadata["optimizer.lr"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("12,12,12,12,12,12", file.Metadata["optimizer.parameter_steps"]);
        Assert.Equal("CosineAnnealingLR", file.Metadata["scheduler.type"]);
        Assert.Contains(("model.0.weight"), file.Tensors.Select(t => t.Name));
        Assert.Contains(("optimizer.state.0.exp_avg"), file.Tensors.Select(t => t.Name));
        Assert.Contains(("optimizer.state.5.exp_avg_sq"), file.Tensors.Select(t => t.Name));
        Assert.DoesNotContain(file.Tensors, t => t.Name.EndsWith("max_exp_avg_sq", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(Folder, "*.tmp"));
    }

    [Fact]
    public void A_checkpoint_that_does_not_fit_is_rejected_and_nothing_changes()
    {
        string path = PathOf("sgd.safetensors");
        Run sgd = Build(Setup.SgdMomentumStepLR, 1);
        TrainerFor(sgd, path).Fit(sgd.Data, 1);

        Run adam = Build(Setup.AdamCosine, 3);
        double[] before = adam.Model.Parameters()[0].ToArray();
        var e = Assert.Throws<ModelFileException>(() => Checkpoint.Load(path, adam.Model, adam.Optimizer, adam.Scheduler));
        Assert.Contains("holds the state of a SGD optimizer, not of a Adam", e.Message);
        Assert.Equal(before, adam.Model.Parameters()[0].ToArray());

        Run noScheduler = Build(Setup.SgdNesterovNoScheduler, 3);
        var e2 = Assert.Throws<ModelFileException>(() => Checkpoint.Load(path, noScheduler.Model, noScheduler.Optimizer));
        Assert.Contains("holds the state of a StepLR schedule, but none was given", e2.Message);

        string plain = PathOf("plain.safetensors");
        Safetensors.Save(sgd.Model, plain);
        var e3 = Assert.Throws<ModelFileException>(() => Checkpoint.Load(plain, sgd.Model, sgd.Optimizer));
        Assert.Contains("is not a Backprop.NET checkpoint", e3.Message);

        var wider = new SGD(MLP.Create(2, [13, 12], 2).Parameters(), 0.1, momentum: 0.9);
        var e4 = Assert.Throws<ModelFileException>(() => Checkpoint.Load(path, MLP.Create(2, [13, 12], 2), wider, new StepLR(wider, 2)));
        Assert.Contains("optimizer.state.0.momentum_buffer", e4.Message);
    }

    [Fact]
    public void CheckpointEvery_without_a_path_is_refused()
    {
        Run run = Build(Setup.AdamCosine, 1);
        var trainer = new Trainer(run.Model, new CrossEntropyLoss(), run.Optimizer) { CheckpointEvery = 1 };
        Assert.Throws<InvalidOperationException>(() => trainer.Fit(run.Data, 1));
    }
}
