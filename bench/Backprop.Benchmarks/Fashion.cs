using System.Diagnostics;
using Backprop.Data;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Training;

namespace Backprop.Benchmarks;

/// <summary>The user-facing benchmark (issue 14, item 4): Fashion-MNIST epochs of the 784-256-128-10 ReLU MLP,
/// batch 64, Adam lr 1e-3, fp32. Both sides start from the same weights (exported) and take the batches in the
/// same order (a permutation per epoch, exported as int32 indices; the last batch of an epoch has 32 images).
/// After every quarter epoch both evaluate the 10,000 test images. Step() is one training step (for the
/// Workload contract); <see cref="Run"/> is the benchmark.</summary>
public sealed class FashionTraining : Workload
{
    public const int Batch = 64;
    public const double LearningRate = 1e-3;
    public const double TargetAccuracy = 0.85;
    /// <summary>Evaluations per epoch (on the test set).</summary>
    public const int EvaluationsPerEpoch = 4;

    readonly ImageClassificationData _train, _test;
    readonly string _directory;
    readonly int[][] _orders;
    readonly Sequential _model;
    readonly float[][] _initial;
    readonly Adam _adam;
    readonly Tensor _testImages;
    int _position;

    /// <param name="epochs">The cap: at most this many epochs.</param>
    /// <param name="minEpochs">Run at least this many epochs (the run stops after the epoch in which the test
    /// accuracy first reached <see cref="TargetAccuracy"/>, once this many have run).</param>
    public FashionTraining(int epochs, int minEpochs)
    {
        MinEpochs = minEpochs;
        _directory = FashionMnist.Find() ?? throw new FileNotFoundException("Fashion-MNIST not found: install Debian's dataset-fashion-mnist or set FASHION_MNIST_DIR.");
        (_train, _test) = FashionMnist.Load(_directory);
        _model = MLP.Create(784, [256, 128], 10, Activation.ReLU, seed: 42, fuseActivations: true);
        _initial = [.. _model.Parameters().Select(p => p.AsReadOnlySpan<float>().ToArray())];
        _adam = new Adam(_model.Parameters(), LearningRate);
        var rng = new Rng(14);
        _orders = new int[epochs][];
        for (int e = 0; e < epochs; e++)
        {
            var order = Enumerable.Range(0, _train.Count).ToArray();
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            _orders[e] = order;
        }
        if (_train.Count != 60000) throw new InvalidDataException($"Fashion-MNIST: {_train.Count} training images; expected 60,000.");
        _testImages = Tensor.FromArray(_test.Pixels, _test.Count, 784);
    }

    public override string Name => "fashion";
    public int Epochs => _orders.Length;
    public int MinEpochs { get; }
    /// <summary>Fashion-MNIST's 60,000 training images in batches of 64 (the last of 32).</summary>
    public const int StepsPerEpoch = (60000 + Batch - 1) / Batch;
    public double? FirstLoss { get; private set; }

    /// <summary>One training step on the next batch of the exported order.</summary>
    public override void Step()
    {
        int epoch = _position / _train.Count % Epochs, start = _position % _train.Count;
        int size = Math.Min(Batch, _train.Count - start);
        var pixels = new float[size * 784];
        var labels = new int[size];
        for (int i = 0; i < size; i++)
        {
            int index = _orders[epoch][start + i];
            _train.Image(index).CopyTo(pixels.AsSpan(i * 784, 784));
            labels[i] = _train.Labels[index];
        }
        Tensor loss = Functional.CrossEntropy(_model.Forward(Tensor.FromArray(pixels, size, 784)), labels);
        _adam.ZeroGrad();
        loss.Backward();
        _adam.Step();
        FirstLoss ??= loss.AsReadOnlySpan<float>()[0];
        _position += size;
    }

    double TestAccuracy()
    {
        using (new NoGrad()) return Metrics.Accuracy(_model.Forward(_testImages), _test.Labels);
    }

    /// <summary>One evaluation: after <paramref name="Step"/> steps, <paramref name="Seconds"/> of wall time since the
    /// start (training and the evaluations so far), test accuracy.</summary>
    public readonly record struct Evaluation(int Step, double Seconds, double Accuracy);

    /// <summary>The run's figures: wall time of each epoch (training steps only) and every evaluation.</summary>
    public sealed record Result(double[] EpochSeconds, List<Evaluation> Evaluations, double? FirstLoss)
    {
        public Evaluation? FirstReaching(double accuracy) => Evaluations.FirstOrDefault(e => e.Accuracy >= accuracy) is { Step: > 0 } e ? e : null;
    }

    /// <summary>Trains up to <see cref="Epochs"/> epochs; stops after the epoch in which the test accuracy first reached
    /// <see cref="TargetAccuracy"/> if at least <see cref="MinEpochs"/> epochs have run.</summary>
    public Result Run()
    {
        int perEvaluation = (StepsPerEpoch + EvaluationsPerEpoch - 1) / EvaluationsPerEpoch;
        var evaluations = new List<Evaluation>();
        var epochSeconds = new List<double>();
        var total = Stopwatch.StartNew();
        int step = 0;
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            double training = 0;
            for (int s = 0; s < StepsPerEpoch; s++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Step();
                training += Stopwatch.GetElapsedTime(t0).TotalSeconds;
                step++;
                if ((s + 1) % perEvaluation == 0 || s + 1 == StepsPerEpoch)
                {
                    double accuracy = TestAccuracy();
                    evaluations.Add(new Evaluation(step, total.Elapsed.TotalSeconds, accuracy));
                }
            }
            epochSeconds.Add(training);
            if (epoch + 1 >= MinEpochs && evaluations.Any(e => e.Accuracy >= TargetAccuracy)) break;
        }
        return new Result([.. epochSeconds], evaluations, FirstLoss);
    }

    public override Dictionary<string, object> Export(string dir)
    {
        var order = new int[Epochs * _train.Count];
        for (int e = 0; e < Epochs; e++) _orders[e].CopyTo(order, e * _train.Count);
        File.WriteAllBytes(Path.Combine(dir, "fashion_order.bin"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(order.AsSpan()).ToArray());
        return new()
        {
            ["kind"] = "fashion",
            ["data"] = _directory,
            ["batch"] = Batch,
            ["lr"] = LearningRate,
            ["epochs"] = Epochs,
            ["min_epochs"] = MinEpochs,
            ["target"] = TargetAccuracy,
            ["evaluations_per_epoch"] = EvaluationsPerEpoch,
            ["order"] = "fashion_order.bin",
            ["params"] = SaveParameters(dir, "fashion", _model, _initial),
        };
    }
}
