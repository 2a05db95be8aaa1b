using Backprop.Data;
using Backprop.IO;
using Backprop.NN;
using Backprop.Training;

namespace Backprop.Core.Tests;

/// <summary>Bad input that used to pass silently (found in review) now fails loudly, and edge derivatives match PyTorch.</summary>
public class ReviewRegressionTests
{
    [Fact]
    public void Power_zero_has_zero_gradient_at_zero_in_both_engines()
    {
        var x = new Value(0.0);
        x.Pow(0).Backward();
        Assert.Equal(0.0, x.Grad);
        var t = Tensor.Zeros([3], DType.Float64);
        t.RequiresGrad = true;
        t.Pow(0).Sum().Backward();
        Assert.All(t.Grad!.ToArray(), g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void Saving_two_tensors_under_one_name_is_refused_before_writing()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bp-dup-{Guid.NewGuid():N}.bpnn");
        var w = Tensor.Ones(2);
        var e = Assert.Throws<ArgumentException>(() => ModelFile.Save([("w", w), ("w", w)], path));
        Assert.Contains("appears twice", e.Message);
        Assert.False(File.Exists(path));
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

    [Fact]
    public void Csv_cells_that_are_not_finite_numbers_are_rejected_with_their_position()
    {
        var e = Assert.Throws<CsvFormatException>(() => CsvReader.Read(new StringReader("a,b,label\n1,2,0\nNaN,3,1\n"), hasHeader: true, labelColumn: -1));
        Assert.Equal(3, e.Line);
        Assert.Equal(1, e.Column);
    }

    private sealed class Holder : Module
    {
        public void Add(string name, Module child) => RegisterModule(name, child);
        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void A_module_tree_cannot_be_made_cyclic()
    {
        var a = new Holder();
        var b = new Holder();
        a.Add("b", b);
        Assert.Throws<ArgumentException>(() => b.Add("a", a));
        Assert.Throws<ArgumentException>(() => a.Add("self", a));
    }
}
