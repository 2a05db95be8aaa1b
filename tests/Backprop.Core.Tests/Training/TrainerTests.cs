using Backprop.Data;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Training;

namespace Backprop.Core.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void A_2_16_16_2_MLP_learns_two_moons_to_at_least_97_percent()
    {
        TensorDataset train = TensorDataset.FromClassification(Datasets.TwoMoons(400, 0.1, seed: 1));
        TensorDataset test = TensorDataset.FromClassification(Datasets.TwoMoons(200, 0.1, seed: 2));
        Sequential model = MLP.Create(2, [16, 16], 2, seed: 0);
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), 0.01)) { BatchSize = 32, Seed = 3 };
        TrainingHistory history = trainer.Fit(train, epochs: 60, validation: test);

        EpochRecord last = history.Epochs[^1];
        Assert.True(last.ValidationMetric >= 0.97, $"validation accuracy {last.ValidationMetric}");
        Assert.True(last.TrainMetric >= 0.97, $"train accuracy {last.TrainMetric}");
        Assert.True(last.TrainLoss < 0.3 * history.Epochs[0].TrainLoss, $"loss {history.Epochs[0].TrainLoss} → {last.TrainLoss}");
        var (loss, accuracy) = trainer.Evaluate(test);
        Assert.Equal(last.ValidationLoss!.Value, loss, 12);
        Assert.Equal(last.ValidationMetric!.Value, accuracy, 12);
    }

    [Fact]
    public void History_and_progress_reports_describe_every_step_and_epoch()
    {
        TensorDataset train = TensorDataset.FromClassification(Datasets.TwoMoons(50, 0.1, seed: 1));
        TensorDataset val = TensorDataset.FromClassification(Datasets.TwoMoons(20, 0.1, seed: 2));
        Sequential model = MLP.Create(2, [8], 2, seed: 0);
        var sgd = new SGD(model.Parameters(), 0.2);
        var trainer = new Trainer(model, new CrossEntropyLoss(), sgd) { BatchSize = 16, Scheduler = new StepLR(sgd, 1, 0.5) };
        var reports = new List<TrainingProgress>();
        TrainingHistory h = trainer.Fit(train, 3, val, reports.Add);

        Assert.Equal(3 * 4, h.Steps.Count);                          // 50 samples / 16 → 4 batches (16, 16, 16, 2)
        Assert.Equal(Enumerable.Range(1, 12), h.Steps.Select(s => s.Step));
        Assert.Equal([16, 16, 16, 2], h.Steps.Take(4).Select(s => s.BatchSize));
        Assert.Equal([0.2, 0.1, 0.05], h.Epochs.Select(e => e.LearningRate));
        Assert.Equal([0.2, 0.1, 0.05], h.Steps.Where(s => s.Step % 4 == 1).Select(s => s.LearningRate));
        Assert.Equal(0.025, sgd.LearningRate, 15);
        for (int e = 0; e < 3; e++)
        {
            var steps = h.Steps.Where(s => s.Epoch == e + 1).ToList();
            Assert.Equal(steps.Sum(s => s.Loss * s.BatchSize) / 50, h.Epochs[e].TrainLoss, 12);
            Assert.Equal(steps.Sum(s => s.Metric * s.BatchSize) / 50, h.Epochs[e].TrainMetric, 12);
            Assert.InRange(h.Epochs[e].ValidationMetric!.Value, 0, 1);
            Assert.True(h.Epochs[e].ValidationLoss > 0);
            Assert.True(h.Epochs[e].Duration > TimeSpan.Zero);
        }
        Assert.True(h.TotalTime >= h.Epochs.Aggregate(TimeSpan.Zero, (t, e) => t + e.Duration));
        Assert.False(h.Cancelled);

        Assert.Equal(12 + 3, reports.Count);                           // every step, plus one report per epoch end
        var stepReports = reports.Where(r => r.EpochSummary is null).ToList();
        Assert.Equal(h.Steps.Select(s => s.Loss), stepReports.Select(r => r.Loss));
        Assert.All(reports, r => Assert.True(r.SamplesPerSecond > 0 && r.TotalSteps == 12 && r.StepsPerEpoch == 4 && r.Epochs == 3));
        Assert.Equal(h.Epochs, reports.Where(r => r.EpochSummary is not null).Select(r => r.EpochSummary!));
        Assert.Equal(TimeSpan.Zero, reports[^1].Eta);
        Assert.True(stepReports[0].Eta > TimeSpan.Zero);
        Assert.Equal([1, 2, 3, 4], stepReports.Take(4).Select(r => r.StepInEpoch));
    }

    /// <summary>Records the mode of every forward call; its inner model is a registered child, so its parameters are the probe's.</summary>
    private sealed class Probe : Module
    {
        private readonly Module _inner;

        public Probe(Module inner) => _inner = RegisterModule("inner", inner);

        public List<(bool Training, bool NoGrad)> Calls { get; } = [];

        public override Tensor Forward(Tensor input)
        {
            Calls.Add((IsTraining, NoGrad.IsActive));
            return _inner.Forward(input);
        }
    }

    [Fact]
    public void Validation_runs_in_eval_mode_without_recording_a_graph()
    {
        TensorDataset train = TensorDataset.FromClassification(Datasets.TwoMoons(40, 0.1, seed: 1));
        var probe = new Probe(MLP.Create(2, [4], 2, seed: 0));
        var trainer = new Trainer(probe, new CrossEntropyLoss(), new SGD(probe.Parameters(), 0.1)) { BatchSize = 40, EvaluationBatchSize = 40 };
        trainer.Fit(train, 2, validation: train);
        Assert.Equal([(true, false), (false, true), (true, false), (false, true)], probe.Calls);
        Assert.True(probe.IsTraining);
    }

    [Fact]
    public void The_same_seed_gives_the_same_run()
    {
        TensorDataset train = TensorDataset.FromClassification(Datasets.TwoMoons(64, 0.2, seed: 1));
        double[] Run(int seed)
        {
            Sequential model = MLP.Create(2, [8], 2, seed: 0);
            return new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), 0.01)) { BatchSize = 8, Seed = seed }
                .Fit(train, 2).Steps.Select(s => s.Loss).ToArray();
        }
        Assert.Equal(Run(5), Run(5));
        Assert.NotEqual(Run(5), Run(6));
    }

    [Fact]
    public void Float_targets_train_with_MSE_and_report_no_metric()
    {
        Tensor x = Tensor.Randn([64, 3], 1, DType.Float64);
        Tensor w = Tensor.FromArray(new double[,] { { 1, -2, 0.5 } });
        Tensor y = x.MatMul(w.T) + 0.3;
        var model = new Linear(3, 1, seed: 2, dtype: DType.Float64);
        var trainer = new Trainer(model, new MSELoss(), new SGD(model.Parameters(), 0.1, momentum: 0.9)) { BatchSize = 16 };
        TrainingHistory h = trainer.Fit(new TensorDataset(x, y), 100);
        Assert.True(h.Epochs[^1].TrainLoss < 1e-6, $"loss {h.Epochs[^1].TrainLoss}");
        Assert.True(double.IsNaN(h.Epochs[^1].TrainMetric));
        double[] learned = model.Weight.ToArray();
        Assert.Equal(1, learned[0], 3);
        Assert.Equal(-2, learned[1], 3);
        Assert.Equal(0.3, model.Bias!.Item(), 3);
    }

    [Fact]
    public void Cancellation_stops_after_the_current_step_and_returns_the_partial_history()
    {
        TensorDataset train = TensorDataset.FromClassification(Datasets.TwoMoons(40, 0.1, seed: 1));
        Sequential model = MLP.Create(2, [4], 2, seed: 0);
        using var cts = new CancellationTokenSource();
        var trainer = new Trainer(model, new CrossEntropyLoss(), new SGD(model.Parameters(), 0.1)) { BatchSize = 10 };
        TrainingHistory h = trainer.Fit(train, 5, progress: p => { if (p.Step == 6) cts.Cancel(); }, cancellationToken: cts.Token);
        Assert.True(h.Cancelled);
        Assert.Equal(6, h.Steps.Count);
        Assert.Single(h.Epochs);
    }

    [Fact]
    public void A_diverging_loss_stops_with_a_clear_error()
    {
        Tensor x = Tensor.Randn([16, 2], 1, DType.Float64) * 100.0;
        var model = new Linear(2, 1, seed: 2, dtype: DType.Float64);
        var trainer = new Trainer(model, new MSELoss(), new SGD(model.Parameters(), 10.0)) { BatchSize = 16 };
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(new TensorDataset(x, x.Sum(1, keepDim: true)), 200));
        Assert.Contains("learning rate", e.Message);
        Assert.Contains("epoch", e.Message);
    }
}
