using Backprop.Data;
using Backprop.IO;
using Backprop.NN;
using Backprop.Training;
using static Backprop.Core.Tests.Tensors.TensorGradChecker;

namespace Backprop.Core.Tests.NN;

/// <summary>Dropout, BatchNorm1d and LayerNorm: gradients by finite differences (float64), the statistics by hand,
/// training and evaluation modes, buffers in saved models, and bad input.</summary>
public sealed class NormalizationAndDropoutTests() : TempFolder("bp-buffers-")
{
    [Fact]
    public void BatchNorm_in_training_matches_finite_differences_through_the_batch_statistics() =>
        Check(x => Functional.BatchNorm(x[0], null, null, x[1], x[2], training: true), Randn(1, 5, 3), Randn(2, 3), Randn(3, 3));

    [Fact]
    public void BatchNorm_in_evaluation_matches_finite_differences() =>
        Check(x => Functional.BatchNorm(x[0], Tensor.FromArray([0.5, -1.0, 2.0], [3], DType.Float64), Tensor.FromArray([1.5, 0.25, 4.0], [3], DType.Float64), x[1], x[2]),
              Randn(4, 4, 3), Randn(5, 3), Randn(6, 3));

    [Theory]
    [InlineData(new[] { 4, 5 })]
    [InlineData(new[] { 2, 3, 5 })]
    public void LayerNorm_matches_finite_differences(int[] shape) =>
        Check(x => Functional.LayerNorm(x[0], x[1], x[2]), Randn(7, shape), Randn(8, 5), Randn(9, 5));

    [Fact]
    public void LayerNorm_without_affine_parameters_matches_finite_differences() => Check(x => Functional.LayerNorm(x[0]), Randn(10, 3, 4));

    [Fact]
    public void BatchNorm1d_normalises_each_feature_and_tracks_running_statistics_as_PyTorch_does()
    {
        var bn = new BatchNorm1d(2, momentum: 0.25, dtype: DType.Float64);
        double[] x = [1, 10, 2, 20, 4, 60];                     // features (1, 2, 4) and (10, 20, 60)
        Tensor y = bn.Forward(Tensor.FromArray(x, [3, 2], DType.Float64));
        double[] mean = [7.0 / 3, 30], biased = [(Sq(1 - 7.0 / 3) + Sq(2 - 7.0 / 3) + Sq(4 - 7.0 / 3)) / 3, (400 + 100 + 900) / 3.0];
        for (int i = 0; i < 3; i++)
            for (int c = 0; c < 2; c++)
                Assert.Equal((x[2 * i + c] - mean[c]) / Math.Sqrt(biased[c] + 1e-5), y[i, c], 12);
        for (int c = 0; c < 2; c++)
        {
            Assert.Equal(0.75 * 0 + 0.25 * mean[c], bn.RunningMean[c], 12);
            Assert.Equal(0.75 * 1 + 0.25 * biased[c] * 3 / 2, bn.RunningVar[c], 12);   // unbiased: N/(N − 1)
        }
        Assert.Equal(1.0, bn.NumBatchesTracked.Item());

        bn.Eval();
        Tensor e = bn.Forward(Tensor.FromArray([1.0, 10.0], [1, 2], DType.Float64));
        for (int c = 0; c < 2; c++) Assert.Equal((x[c] - bn.RunningMean[c]) / Math.Sqrt(bn.RunningVar[c] + 1e-5), e[0, c], 12);
        Assert.Equal(1.0, bn.NumBatchesTracked.Item()); // evaluation leaves the statistics alone
    }

    private static double Sq(double v) => v * v;

    [Fact]
    public void BatchNorm1d_refuses_one_sample_in_training_and_the_wrong_shape()
    {
        var bn = new BatchNorm1d(3);
        var one = Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Ones(1, 3)));
        Assert.Contains("more than 1 value per feature", one.Message);
        var shape = Assert.Throws<ShapeMismatchException>(() => bn.Forward(Tensor.Ones(4, 2)));
        Assert.Contains("[N, 3]", shape.Message);
        Assert.Contains("[4, 2]", shape.Message);
        Assert.Throws<ArgumentException>(() => new BatchNorm1d(3, momentum: 0));
        bn.Eval();
        Assert.Equal([1, 3], bn.Forward(Tensor.Ones(1, 3)).Shape);     // one sample is fine in evaluation
    }

    [Fact]
    public void Dropout_zeroes_about_p_scales_the_rest_and_passes_the_gradient_through_kept_elements_only()
    {
        var dropout = new Dropout(0.3, seed: 5);
        Tensor x = Tensor.Full([200, 100], 2.0, DType.Float64);
        x.RequiresGrad = true;
        Tensor y = dropout.Forward(x);
        y.Sum().Backward();
        double[] yv = y.ToArray(), g = x.Grad!.ToArray();
        int zeros = 0;
        for (int i = 0; i < yv.Length; i++)
        {
            if (yv[i] == 0) { zeros++; Assert.Equal(0.0, g[i]); }
            else { Assert.Equal(2.0 / 0.7, yv[i], 12); Assert.Equal(1.0 / 0.7, g[i], 12); }
        }
        Assert.InRange(zeros / 20000.0, 0.28, 0.32);
        // Seeded: the same layer seed gives the same mask.
        Assert.Equal(yv, new Dropout(0.3, seed: 5).Forward(Tensor.Full([200, 100], 2.0, DType.Float64)).ToArray());
        dropout.Eval();
        Assert.Same(x, dropout.Forward(x));
        Assert.All(new Dropout(1.0).Forward(Tensor.Ones(3, 3)).ToArray(), v => Assert.Equal(0.0, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.5));
    }

    [Fact]
    public void LayerNorm_refuses_the_wrong_last_dimension()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => new LayerNorm(4).Forward(Tensor.Ones(2, 3)));
        Assert.Contains("last dimension is 4", e.Message);
    }

    [Fact]
    public void Buffers_are_state_but_not_parameters_and_round_trip_through_a_model_file()
    {
        Sequential Model() => new(new Linear(3, 4, seed: 1, dtype: DType.Float64), new BatchNorm1d(4, dtype: DType.Float64), new ReLU(), new Dropout(0.2, seed: 2),
                                  new Linear(4, 2, seed: 3, dtype: DType.Float64), new LayerNorm(2, dtype: DType.Float64));
        Sequential model = Model();
        Assert.Equal(["0.Weight", "0.Bias", "1.Weight", "1.Bias", "1.RunningMean", "1.RunningVar", "1.NumBatchesTracked", "4.Weight", "4.Bias", "5.Weight", "5.Bias"],
                     model.NamedState().Select(s => s.Name));
        Assert.Equal(["1.RunningMean", "1.RunningVar", "1.NumBatchesTracked"], model.NamedBuffers().Select(b => b.Name));
        Assert.DoesNotContain(model.Parameters(), p => model.NamedBuffers().Any(b => ReferenceEquals(b.Buffer, p)));
        model.Forward(Tensor.Randn([8, 3], 4, DType.Float64));
        string path = PathOf("model.bpnn");
        ModelFile.Save(model, path);
        Sequential loaded = Model();
        ModelFile.Load(loaded, path);
        var bn = (BatchNorm1d)loaded[1];
        Assert.Equal(((BatchNorm1d)model[1]).RunningMean.ToArray(), bn.RunningMean.ToArray());
        Assert.Equal(1.0, bn.NumBatchesTracked.Item());
        model.Eval();
        loaded.Eval();
        Tensor probe = Tensor.Randn([5, 3], 6, DType.Float64);
        Assert.Equal(model.Forward(probe).ToArray(), loaded.Forward(probe).ToArray());
    }

    [Fact]
    public void Trainer_trains_in_training_mode_and_evaluates_in_evaluation_mode()
    {
        var data = TensorDataset.FromClassification(Datasets.TwoMoons(200, 0.1, seed: 1));
        var bn = new BatchNorm1d(16);
        var model = new Sequential(new Linear(2, 16, seed: 1), bn, new ReLU(), new Dropout(0.1, seed: 2), new Linear(16, 2, seed: 3));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Backprop.Optim.Adam(model.Parameters(), learningRate: 0.02)) { BatchSize = 32, Seed = 4 };
        TrainingHistory history = trainer.Fit(data, epochs: 10, validation: data);
        Assert.True(model.IsTraining);
        Assert.Equal(70.0, bn.NumBatchesTracked.Item());    // 7 batches × 10 epochs; evaluation did not count
        Assert.True(history.Epochs[^1].ValidationMetric > 0.9, $"accuracy {history.Epochs[^1].ValidationMetric}");
    }
}
