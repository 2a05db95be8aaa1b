using Backprop.Data;
using Backprop.NN;
using Backprop.Training;

namespace Backprop.Core.Tests.Training;

public class DataAndMetricTests
{
    [Fact]
    public void FromClassification_copies_features_and_labels_in_the_chosen_dtype()
    {
        var data = new ClassificationData([[1.0, 2.0], [3.0, 4.5], [-1.0, 0.25]], [0, 2, 1], 3);
        TensorDataset ds = TensorDataset.FromClassification(data, DType.Float64);
        Assert.Equal([3, 2], ds.Features.Shape);
        Assert.Equal(DType.Float64, ds.Features.DType);
        Assert.Equal([1, 2, 3, 4.5, -1, 0.25], ds.Features.ToArray());
        Assert.Equal([0, 2, 1], ds.Labels!);
        Assert.Equal(3, ds.ClassCount);
        Assert.Equal(DType.Float32, TensorDataset.FromClassification(data).Features.DType);
        Assert.Throws<ArgumentException>(() => TensorDataset.FromClassification(new ClassificationData([[1.0], [1.0, 2.0]], [0, 1], 2)));
        Assert.Throws<ArgumentException>(() => TensorDataset.FromClassification(new ClassificationData([[1.0], [2.0]], [0, 2], 2)));
        Assert.Throws<ShapeMismatchException>(() => new TensorDataset(Tensor.Zeros(3, 2), [0, 1]));
    }

    [Fact]
    public void Shuffled_batches_cover_every_sample_once_keep_rows_and_labels_together_and_are_seeded()
    {
        ClassificationData moons = Datasets.TwoMoons(23, 0.1, seed: 4);
        TensorDataset ds = TensorDataset.FromClassification(moons, DType.Float64);
        List<Batch> batches = ds.Batches(5, new Rng(9)).ToList();
        Assert.Equal([5, 5, 5, 5, 3], batches.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(0, 23), batches.SelectMany(b => b.Indices).Order());
        Assert.NotEqual(Enumerable.Range(0, 23), batches.SelectMany(b => b.Indices));
        foreach (Batch b in batches)
            for (int i = 0; i < b.Count; i++)
            {
                int row = b.Indices[i];
                Assert.Equal(moons.Labels[row], b.Labels![i]);
                Assert.Equal(moons.Features[row][0], b.Features[i, 0]);
                Assert.Equal(moons.Features[row][1], b.Features[i, 1]);
            }
        Assert.Equal(batches.SelectMany(b => b.Indices), ds.Batches(5, new Rng(9)).SelectMany(b => b.Indices));
        Assert.Equal(Enumerable.Range(0, 23), ds.Batches(5).SelectMany(b => b.Indices));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Batches(0).ToList());
    }

    [Fact]
    public void Target_batches_and_splits()
    {
        Tensor x = Tensor.Arange(10).Reshape(5, 2);
        Tensor y = Tensor.Arange(5).Reshape(5, 1);
        var ds = new TensorDataset(x, y);
        Batch b = ds.GetBatch([4, 0, 4]);
        Assert.Null(b.Labels);
        Assert.Equal([8, 9, 0, 1, 8, 9], b.Features.ToArray());
        Assert.Equal([4, 0, 4], b.Targets!.ToArray());
        var (train, val) = ds.Split(0.4, seed: 1);
        Assert.Equal(3, train.Count);
        Assert.Equal(2, val.Count);
        Assert.Equal(Enumerable.Range(0, 5).Select(v => (double)v), train.Targets!.ToArray().Concat(val.Targets!.ToArray()).Order());
    }

    [Fact]
    public void Accuracy_uses_argmax_with_first_on_ties_or_the_sign_of_a_single_logit()
    {
        Tensor logits = Tensor.FromArray(new double[,] { { 0.1, 0.9, 0.0 }, { 2, 2, 1 }, { -1, -3, -2 }, { 0, 0, 5 } });
        Assert.Equal(1.0, Metrics.Accuracy(logits, [1, 0, 0, 2]));
        Assert.Equal(0.5, Metrics.Accuracy(logits, [1, 1, 0, 0]));
        Assert.Equal(0.75, Metrics.Accuracy(Tensor.FromArray(new double[,] { { 0.3 }, { -0.2 }, { 0 }, { 4 } }), [1, 0, 1, 1]));
        Assert.Equal(1.0, Metrics.Accuracy(Tensor.FromArray([-1.0, 2.0]), [0, 1]));
        Assert.Throws<ShapeMismatchException>(() => Metrics.Accuracy(logits, [0, 1]));
    }

    [Fact]
    public void A_split_that_would_leave_a_part_empty_is_refused()
    {
        var data = TensorDataset.FromClassification(Datasets.Xor(4, 0.1, 1));
        Assert.Throws<ArgumentException>(() => data.Split(0.1));
        var model = MLP.Create(2, [4], 2);
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Backprop.Optim.SGD(model.Parameters(), 0.1));
        var empty = new TensorDataset(Tensor.Zeros(0, 2), []);
        Assert.Throws<ArgumentException>(() => trainer.Evaluate(empty));
    }
}
