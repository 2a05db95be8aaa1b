using Backprop.NN;

namespace Backprop.Core.Tests.NN;

public class LossTests
{
    [Fact]
    public void MSE_mean_and_half_sum_match_their_definitions_and_pass_the_gradient_check()
    {
        Tensor p = FiniteDifferences.Param(1, 1.0, 4, 3);
        Tensor y = FiniteDifferences.Param(2, 1.0, 4, 3);
        double[] pd = p.ToArray(), yd = y.ToArray();
        double ss = pd.Zip(yd, (a, b) => (a - b) * (a - b)).Sum();
        Assert.Equal(ss / 12, Losses.MSE(p, y).Item(), 12);
        Assert.Equal(0.5 * ss, Losses.MSE(p, y, half: true).Item(), 12);
        Assert.Equal(0, Losses.MSE(p, y).Rank);
        FiniteDifferences.Check(t => Losses.MSE(t[0], t[1]), [p, y]);
        FiniteDifferences.Check(t => Losses.MSE(t[0], t[1], half: true), [p, y]);
    }

    [Fact]
    public void MSE_half_gradient_is_the_error()
    {
        Tensor p = FiniteDifferences.Param(1, 1.0, 5);
        Tensor y = Tensor.Randn([5], 2, DType.Float64);
        Losses.MSE(p, y, half: true).Backward();
        double[] expected = p.ToArray().Zip(y.ToArray(), (a, b) => a - b).ToArray();
        Assert.Equal(expected, p.Grad!.ToArray());
    }

    [Fact]
    public void BCE_with_logits_matches_the_definition_and_passes_the_gradient_check()
    {
        Tensor x = FiniteDifferences.Param(3, 2.0, 6, 2);
        Tensor y = Tensor.Rand([6, 2], 4, DType.Float64).Detach();
        y.RequiresGrad = true;
        double[] xd = x.ToArray(), yd = y.ToArray();
        double expected = 0;
        for (int i = 0; i < xd.Length; i++)
        {
            double s = 1 / (1 + Math.Exp(-xd[i]));
            expected -= yd[i] * Math.Log(s) + (1 - yd[i]) * Math.Log(1 - s);
        }
        Assert.Equal(expected / 12, Losses.BinaryCrossEntropyWithLogits(x, y).Item(), 12);
        FiniteDifferences.Check(t => Losses.BinaryCrossEntropyWithLogits(t[0], t[1]), [x, y]);
    }

    [Fact]
    public void BCE_with_logits_is_stable_for_huge_logits()
    {
        Tensor x = Tensor.FromArray([1000.0, -1000.0, 1000.0, -1000.0]).Detach();
        x.RequiresGrad = true;
        Tensor y = Tensor.FromArray([1.0, 0.0, 0.0, 1.0]);
        Tensor loss = Losses.BinaryCrossEntropyWithLogits(x, y);
        Assert.Equal(2000.0 / 4, loss.Item(), 9);   // the two wrong ones cost 1000 each
        loss.Backward();
        Assert.Equal([0, 0, 0.25, -0.25], x.Grad!.ToArray());
        FiniteDifferences.Check(t => Losses.BinaryCrossEntropyWithLogits(t[0], y), [x], h: 1e-4);
    }

    [Fact]
    public void CrossEntropy_matches_log_softmax_nll_and_passes_the_gradient_check()
    {
        Tensor z = FiniteDifferences.Param(5, 2.0, 4, 3);
        int[] labels = [2, 0, 1, 2];
        double[] zd = z.ToArray();
        double expected = 0;
        for (int i = 0; i < 4; i++)
        {
            double lse = Math.Log(Math.Exp(zd[3 * i]) + Math.Exp(zd[3 * i + 1]) + Math.Exp(zd[3 * i + 2]));
            expected += lse - zd[3 * i + labels[i]];
        }
        Assert.Equal(expected / 4, Losses.CrossEntropy(z, labels).Item(), 12);
        FiniteDifferences.Check(t => Losses.CrossEntropy(t[0], labels), [z]);
    }

    [Fact]
    public void CrossEntropy_is_finite_with_logits_of_plus_minus_1000_and_its_gradient_is_softmax_minus_onehot_over_N()
    {
        Tensor z = Tensor.FromArray(new double[,] { { 1000, -1000, 0 }, { -1000, 1000, 999 }, { 1000, 1000, -1000 } }).Detach();
        z.RequiresGrad = true;
        int[] labels = [0, 2, 1];
        Tensor loss = Losses.CrossEntropy(z, labels);
        // row 0: lse = 1000 → 0; row 1: lse = 1000 + log(1 + e⁻¹) → 1 + log(1 + e⁻¹); row 2: lse = 1000 + log 2 → log 2
        double expected = (0 + 1 + Math.Log(1 + Math.Exp(-1)) + Math.Log(2)) / 3;
        Assert.Equal(expected, loss.Item(), 12);
        loss.Backward();
        double e1 = 1 / (1 + Math.Exp(-1));
        double[] softmaxMinusOnehot = [0, 0, 0, 0, e1, 1 - e1 - 1, 0.5, 0.5 - 1, 0];
        double[] g = z.Grad!.ToArray();
        for (int i = 0; i < 9; i++) Assert.Equal(softmaxMinusOnehot[i] / 3, g[i], 12);
        Assert.All(g, v => Assert.True(double.IsFinite(v)));
        FiniteDifferences.Check(t => Losses.CrossEntropy(t[0], labels), [z], h: 1e-4);

        Tensor z32 = z.To(DType.Float32).Detach();
        z32.RequiresGrad = true;
        Tensor loss32 = Losses.CrossEntropy(z32, labels);
        loss32.Backward();
        Assert.Equal(expected, loss32.Item(), 5);
        double[] g32 = z32.Grad!.ToArray();
        for (int i = 0; i < 9; i++) Assert.Equal(softmaxMinusOnehot[i] / 3, g32[i], 5);
    }

    [Fact]
    public void Loss_errors_are_clear()
    {
        var shape = Assert.Throws<ShapeMismatchException>(() => Losses.MSE(Tensor.Zeros(3, 2), Tensor.Zeros(2, 3)));
        Assert.Contains("MSE", shape.Message);
        Assert.Contains("[3, 2]", shape.Message);
        Assert.Contains("[2, 3]", shape.Message);
        Assert.Throws<ShapeMismatchException>(() => Losses.BinaryCrossEntropyWithLogits(Tensor.Zeros(3), Tensor.Zeros(3, 1)));
        var count = Assert.Throws<ShapeMismatchException>(() => Losses.CrossEntropy(Tensor.Zeros(3, 4), [0, 1]));
        Assert.Contains("[3, 4]", count.Message);
        Assert.Contains("2 labels", count.Message);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(Tensor.Zeros(2, 4), [0, 4]));
        Assert.Contains("label 4 of sample 1", range.Message);
        Assert.Contains("[0, 3]", range.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(Tensor.Zeros(2, 4), [-1, 0]));
        Assert.Throws<ArgumentException>(() => new CrossEntropyLoss().Forward(Tensor.Zeros(2, 2), Tensor.Zeros(2, 2)));
    }

    [Fact]
    public void Loss_objects_turn_labels_into_targets()
    {
        Tensor logits = Tensor.FromArray(new double[,] { { 0.5, -0.5 }, { 2, 1 } });
        int[] labels = [1, 0];
        Assert.Equal(Losses.MSE(logits, Tensor.FromArray(new double[,] { { 0, 1 }, { 1, 0 } })).Item(), new MSELoss().Forward(logits, labels).Item());
        Tensor single = Tensor.FromArray(new double[,] { { 0.3 }, { -2 } });
        Assert.Equal(Losses.BinaryCrossEntropyWithLogits(single, Tensor.FromArray(new double[,] { { 1 }, { 0 } })).Item(),
            new BCEWithLogitsLoss().Forward(single, labels).Item());
        Assert.Equal(Losses.CrossEntropy(logits, labels).Item(), new CrossEntropyLoss().Forward(logits, labels).Item());
        Assert.Throws<ArgumentOutOfRangeException>(() => new BCEWithLogitsLoss().Forward(single, [0, 2]));
    }
}
