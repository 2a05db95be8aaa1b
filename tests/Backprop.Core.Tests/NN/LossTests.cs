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
        Assert.Equal(ss / 12, Functional.MSE(p, y).Item(), 12);
        Assert.Equal(0.5 * ss, Functional.MSE(p, y, half: true).Item(), 12);
        Assert.Equal(0, Functional.MSE(p, y).Rank);
        FiniteDifferences.Check(t => Functional.MSE(t[0], t[1]), [p, y]);
        FiniteDifferences.Check(t => Functional.MSE(t[0], t[1], half: true), [p, y]);
    }

    [Fact]
    public void MSE_half_gradient_is_the_error()
    {
        Tensor p = FiniteDifferences.Param(1, 1.0, 5);
        Tensor y = Tensor.Randn([5], 2, DType.Float64);
        Functional.MSE(p, y, half: true).Backward();
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
        Assert.Equal(expected / 12, Functional.BinaryCrossEntropyWithLogits(x, y).Item(), 12);
        FiniteDifferences.Check(t => Functional.BinaryCrossEntropyWithLogits(t[0], t[1]), [x, y]);
    }

    [Fact]
    public void BCE_with_logits_is_stable_for_huge_logits()
    {
        Tensor x = Tensor.FromArray([1000.0, -1000.0, 1000.0, -1000.0]).Detach();
        x.RequiresGrad = true;
        Tensor y = Tensor.FromArray([1.0, 0.0, 0.0, 1.0]);
        Tensor loss = Functional.BinaryCrossEntropyWithLogits(x, y);
        Assert.Equal(2000.0 / 4, loss.Item(), 9);   // the two wrong ones cost 1000 each
        loss.Backward();
        Assert.Equal([0, 0, 0.25, -0.25], x.Grad!.ToArray());
        FiniteDifferences.Check(t => Functional.BinaryCrossEntropyWithLogits(t[0], y), [x], h: 1e-4);
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
        Assert.Equal(expected / 4, Functional.CrossEntropy(z, labels).Item(), 12);
        FiniteDifferences.Check(t => Functional.CrossEntropy(t[0], labels), [z]);
    }

    [Fact]
    public void CrossEntropy_is_finite_with_logits_of_plus_minus_1000_and_its_gradient_is_softmax_minus_onehot_over_N()
    {
        Tensor z = Tensor.FromArray(new double[,] { { 1000, -1000, 0 }, { -1000, 1000, 999 }, { 1000, 1000, -1000 } }).Detach();
        z.RequiresGrad = true;
        int[] labels = [0, 2, 1];
        Tensor loss = Functional.CrossEntropy(z, labels);
        // row 0: lse = 1000 → 0; row 1: lse = 1000 + log(1 + e⁻¹) → 1 + log(1 + e⁻¹); row 2: lse = 1000 + log 2 → log 2
        double expected = (0 + 1 + Math.Log(1 + Math.Exp(-1)) + Math.Log(2)) / 3;
        Assert.Equal(expected, loss.Item(), 12);
        loss.Backward();
        double e1 = 1 / (1 + Math.Exp(-1));
        double[] softmaxMinusOnehot = [0, 0, 0, 0, e1, 1 - e1 - 1, 0.5, 0.5 - 1, 0];
        double[] g = z.Grad!.ToArray();
        for (int i = 0; i < 9; i++) Assert.Equal(softmaxMinusOnehot[i] / 3, g[i], 12);
        Assert.All(g, v => Assert.True(double.IsFinite(v)));
        FiniteDifferences.Check(t => Functional.CrossEntropy(t[0], labels), [z], h: 1e-4);

        Tensor z32 = z.To(DType.Float32).Detach();
        z32.RequiresGrad = true;
        Tensor loss32 = Functional.CrossEntropy(z32, labels);
        loss32.Backward();
        Assert.Equal(expected, loss32.Item(), 5);
        double[] g32 = z32.Grad!.ToArray();
        for (int i = 0; i < 9; i++) Assert.Equal(softmaxMinusOnehot[i] / 3, g32[i], 5);
    }

    [Fact]
    public void Loss_errors_are_clear()
    {
        var shape = Assert.Throws<ShapeMismatchException>(() => Functional.MSE(Tensor.Zeros(3, 2), Tensor.Zeros(2, 3)));
        Assert.Contains("mse", shape.Message);
        Assert.Contains("[3, 2]", shape.Message);
        Assert.Contains("[2, 3]", shape.Message);
        Assert.Throws<ShapeMismatchException>(() => Functional.BinaryCrossEntropyWithLogits(Tensor.Zeros(3), Tensor.Zeros(3, 1)));
        var count = Assert.Throws<ShapeMismatchException>(() => Functional.CrossEntropy(Tensor.Zeros(3, 4), [0, 1]));
        Assert.Contains("[3, 4]", count.Message);
        Assert.Contains("2 labels", count.Message);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => Functional.CrossEntropy(Tensor.Zeros(2, 4), [0, 4]));
        Assert.Contains("label 4 of sample 1", range.Message);
        Assert.Contains("[0, 3]", range.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.CrossEntropy(Tensor.Zeros(2, 4), [-1, 0]));
        Assert.Throws<ArgumentException>(() => new NLLLoss().Forward(Tensor.Zeros(2, 2), Tensor.Zeros(2, 2)));
    }

    [Fact]
    public void Loss_objects_turn_labels_into_targets()
    {
        Tensor logits = Tensor.FromArray(new double[,] { { 0.5, -0.5 }, { 2, 1 } });
        int[] labels = [1, 0];
        Assert.Equal(Functional.MSE(logits, Tensor.FromArray(new double[,] { { 0, 1 }, { 1, 0 } })).Item(), new MSELoss().Forward(logits, labels).Item());
        Tensor single = Tensor.FromArray(new double[,] { { 0.3 }, { -2 } });
        Assert.Equal(Functional.BinaryCrossEntropyWithLogits(single, Tensor.FromArray(new double[,] { { 1 }, { 0 } })).Item(),
            new BCEWithLogitsLoss().Forward(single, labels).Item());
        Assert.Equal(Functional.CrossEntropy(logits, labels).Item(), new CrossEntropyLoss().Forward(logits, labels).Item());
        Assert.Throws<ArgumentOutOfRangeException>(() => new BCEWithLogitsLoss().Forward(single, [0, 2]));
    }

    [Fact]
    public void Reduced_losses_pass_the_gradient_check_with_every_reduction()
    {
        int[] labels = [2, 0, 3, 1];
        foreach (Reduction reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            Tensor z = FiniteDifferences.Param(11, 2.0, 4, 4);
            Tensor q = Tensor.Rand([4, 4], 12, DType.Float64).Detach();
            q.RequiresGrad = true;
            FiniteDifferences.Check(t => Functional.CrossEntropy(t[0], t[1], 0.1, reduction), [z, q]);
            FiniteDifferences.Check(t => Functional.CrossEntropy(t[0], labels, 0.2, reduction), [z]);
            FiniteDifferences.Check(t => Functional.NLLLoss(t[0].LogSoftmax(1), labels, reduction), [z]);
            Tensor p = FiniteDifferences.Param(13, 2.0, 3, 5), y = FiniteDifferences.Param(14, 2.0, 3, 5);
            FiniteDifferences.Check(t => Functional.L1Loss(t[0], t[1], reduction), [p, y]);
            FiniteDifferences.Check(t => Functional.HuberLoss(t[0], t[1], 0.75, reduction), [p, y]);
            FiniteDifferences.Check(t => Functional.HuberLoss(t[0], t[1], reduction: reduction), [p, y]);
        }
    }

    [Fact]
    public void Reduced_losses_match_their_definitions()
    {
        Tensor p = Tensor.FromArray(new double[] { 0, 3, -2, 0.5 }), y = Tensor.FromArray(new double[] { 1, 0, 0, 0.5 });
        Assert.Equal(4.5 / 4, Functional.HuberLoss(p, y).Item(), 14);                  // ½ + 2.5 + 1.5 + 0
        Assert.Equal(new double[] { 0.5, 2.5, 1.5, 0 }, Functional.HuberLoss(p, y, reduction: Reduction.None).ToArray());
        Assert.Equal(6.0, Functional.L1Loss(p, y, Reduction.Sum).Item());
        Assert.Equal([4], Functional.L1Loss(p, y, Reduction.None).Shape);
        Tensor logProbs = Tensor.FromArray(new double[,] { { -0.1, -2.3 }, { -1.2, -0.4 } });
        Assert.Equal((2.3 + 1.2) / 2, Functional.NLLLoss(logProbs, [1, 0]).Item(), 14);
        Assert.Equal(new double[] { 2.3, 1.2 }, Functional.NLLLoss(logProbs, [1, 0], Reduction.None).ToArray());

        // Label smoothing ε: (1 − ε)·CE + ε·mean over classes of (lse − z).
        Tensor z = Tensor.FromArray(new double[,] { { 1, 2, 0.5 }, { -1, 0, 3 } });
        int[] labels = [1, 2];
        double expected = 0;
        for (int i = 0; i < 2; i++)
        {
            double lse = Math.Log(Enumerable.Range(0, 3).Sum(k => Math.Exp(z[i, k])));
            expected += 0.7 * (lse - z[i, labels[i]]) + 0.3 * Enumerable.Range(0, 3).Average(k => lse - z[i, k]);
        }
        Assert.Equal(expected / 2, Functional.CrossEntropy(z, labels, 0.3).Item(), 13);
        Assert.Equal(Functional.CrossEntropy(z, labels).Item(), Functional.CrossEntropy(z, labels, 0.0).Item(), 13);
        Tensor oneHot = Tensor.FromArray(new double[,] { { 0, 1, 0 }, { 0, 0, 1 } });
        Assert.Equal(Functional.CrossEntropy(z, labels).Item(), new CrossEntropyLoss().Forward(z, oneHot).Item(), 13);
        Assert.Equal(expected, new CrossEntropyLoss(0.3, Reduction.Sum).Forward(z, labels).Item(), 13);
    }

    [Fact]
    public void Reduced_losses_report_bad_shapes_and_arguments()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Functional.CrossEntropy(Tensor.Zeros(2, 3), Tensor.Zeros(2, 4)));
        Assert.Equal("cross_entropy: the logits have shape [2, 3] but the targets have shape [2, 4]; expected equal shapes (no broadcasting).", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Functional.CrossEntropy(Tensor.Zeros(2, 3, 1), Tensor.Zeros(2, 3, 1)));
        Assert.Contains("expected both of shape [N, C]", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Functional.NLLLoss(Tensor.Zeros(3, 4), [0, 1]));
        Assert.Equal("nll_loss: the scores have shape [3, 4] and there are 2 labels (shape [2]); expected scores of shape [N, C] with N = 2.", e.Message);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => Functional.NLLLoss(Tensor.Zeros(2, 4), [0, 4]));
        Assert.Contains("nll_loss: label 4 of sample 1", range.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.CrossEntropy(Tensor.Zeros(2, 4), [0, 1], 1.5));
        e = Assert.Throws<ShapeMismatchException>(() => Functional.L1Loss(Tensor.Zeros(3), Tensor.Zeros(3, 1)));
        Assert.StartsWith("l1_loss: the predictions have shape [3] but the targets have shape [3, 1]", e.Message);
        Assert.StartsWith("huber_loss:", Assert.Throws<ShapeMismatchException>(() => Functional.HuberLoss(Tensor.Zeros(2), Tensor.Zeros(3))).Message);
        Assert.Contains("expected a finite δ > 0", Assert.Throws<ArgumentOutOfRangeException>(() => Functional.HuberLoss(Tensor.Zeros(2), Tensor.Zeros(2), 0)).Message);
    }
}
