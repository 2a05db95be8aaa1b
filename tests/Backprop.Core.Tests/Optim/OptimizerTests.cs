using Backprop.Optim;

namespace Backprop.Core.Tests.Optim;

/// <summary>Two steps on p = [1, −2] with gradients [0.5, 0.3] then [−0.2, 0.1], computed by hand from the
/// PyTorch 1.13 update rules (torch/optim/sgd.py, adam.py, adamw.py).</summary>
public class OptimizerTests
{
    private static readonly double[] P0 = [1.0, -2.0];
    private static readonly double[][] Grads = [[0.5, 0.3], [-0.2, 0.1]];

    private static double[] Run(Func<Tensor, Optimizer> make, DType dtype = DType.Float64)
    {
        Tensor p = Tensor.FromArray(P0).To(dtype);
        p.RequiresGrad = true;
        Optimizer opt = make(p);
        foreach (double[] g in Grads)
        {
            p.Grad = Tensor.FromArray(g).To(dtype);
            opt.Step();
        }
        return p.ToArray();
    }

    private static void AssertClose(double[] expected, double[] actual, double tol = 1e-14)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"[{i}] expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void Plain_SGD_subtracts_lr_times_grad()
    {
        // p − 0.1·(g₁ + g₂)
        AssertClose([1 - 0.1 * (0.5 - 0.2), -2 - 0.1 * (0.3 + 0.1)], Run(p => new SGD([p], 0.1)));
    }

    [Fact]
    public void SGD_with_momentum_and_weight_decay()
    {
        // element 0: d₁ = 0.5 + 0.1·1 = 0.6, b₁ = 0.6, p₁ = 1 − 0.06 = 0.94
        //            d₂ = −0.2 + 0.1·0.94 = −0.106, b₂ = 0.9·0.6 − 0.106 = 0.434, p₂ = 0.94 − 0.0434 = 0.8966
        // element 1: d₁ = 0.3 − 0.2 = 0.1, b₁ = 0.1, p₁ = −2.01
        //            d₂ = 0.1 − 0.201 = −0.101, b₂ = 0.09 − 0.101 = −0.011, p₂ = −2.01 + 0.0011 = −2.0089
        AssertClose([0.8966, -2.0089], Run(p => new SGD([p], 0.1, momentum: 0.9, weightDecay: 0.1)));
    }

    [Fact]
    public void SGD_with_Nesterov_momentum_and_weight_decay()
    {
        // element 0: d₁ = 0.6, b₁ = 0.6, d = 0.6 + 0.54 = 1.14, p₁ = 0.886
        //            d₂ = −0.2 + 0.0886 = −0.1114, b₂ = 0.54 − 0.1114 = 0.4286, d = −0.1114 + 0.38574 = 0.27434, p₂ = 0.858566
        // element 1: d₁ = 0.1, b₁ = 0.1, d = 0.19, p₁ = −2.019
        //            d₂ = 0.1 − 0.2019 = −0.1019, b₂ = 0.09 − 0.1019 = −0.0119, d = −0.1019 − 0.01071 = −0.11261, p₂ = −2.007739
        AssertClose([0.858566, -2.007739], Run(p => new SGD([p], 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1)));
    }

    [Fact]
    public void SGD_with_dampening()
    {
        // element 0: b₁ = 0.5 (first step: no dampening), p₁ = 0.95; b₂ = 0.45 + 0.5·(−0.2) = 0.35, p₂ = 0.915
        AssertClose([0.915, -2 - 0.03 - 0.1 * (0.27 + 0.05)], Run(p => new SGD([p], 0.1, momentum: 0.9, dampening: 0.5)));
    }

    private static double AdamStep(ref double p, ref double m, ref double v, double g, int t, double lr, double wd, bool decoupled)
    {
        if (decoupled) p *= 1 - lr * wd;
        else g += wd * p;
        m = 0.9 * m + 0.1 * g;
        v = 0.999 * v + 0.001 * g * g;
        double denom = Math.Sqrt(v) / Math.Sqrt(1 - Math.Pow(0.999, t)) + 1e-8;
        p -= lr / (1 - Math.Pow(0.9, t)) * m / denom;
        return p;
    }

    [Fact]
    public void Adam_first_step_moves_each_parameter_by_about_lr()
    {
        // t = 1: m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε) ≈ lr·sign(g).
        Tensor q = Tensor.FromArray(P0);
        q.RequiresGrad = true;
        var adam = new Adam([q], 0.1);
        q.Grad = Tensor.FromArray(Grads[0]);
        adam.Step();
        AssertClose([1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 - 0.1 * 0.3 / (0.3 + 1e-8)], q.ToArray());
        Assert.Equal(1, adam.ParameterStep(0));
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.1, false)]
    [InlineData(0.1, true)]
    [InlineData(0.0, true)]
    public void Adam_and_AdamW_two_steps_follow_the_update_rule(double wd, bool decoupled)
    {
        double[] expected = new double[2];
        for (int i = 0; i < 2; i++)
        {
            double p = P0[i], m = 0, v = 0;
            AdamStep(ref p, ref m, ref v, Grads[0][i], 1, 0.1, wd, decoupled);
            expected[i] = AdamStep(ref p, ref m, ref v, Grads[1][i], 2, 0.1, wd, decoupled);
        }
        double[] actual = decoupled ? Run(p => new AdamW([p], 0.1, weightDecay: wd)) : Run(p => new Adam([p], 0.1, weightDecay: wd));
        AssertClose(expected, actual);
        // element 0 without decay, written out: m₂ = 0.025, v₂ = 0.00028975, step 0.1/0.19·m₂/(√v₂/√0.001999 + ε)
        if (wd == 0)
            Assert.Equal(1 - 0.1 * 0.5 / (0.5 + 1e-8) - 0.1 / 0.19 * 0.025 / (Math.Sqrt(0.00028975) / Math.Sqrt(0.001999) + 1e-8), actual[0], 12);
    }

    [Fact]
    public void AdamW_defaults_to_decay_0_01_and_differs_from_Adam_with_L2()
    {
        Tensor p = Tensor.FromArray(P0);
        p.RequiresGrad = true;
        Assert.Equal(0.01, new AdamW([p]).WeightDecay);
        Assert.Equal(1e-3, new Adam([p]).LearningRate);
        Assert.NotEqual(Run(q => new AdamW([q], 0.1, weightDecay: 0.1)), Run(q => new Adam([q], 0.1, weightDecay: 0.1)));
    }

    [Fact]
    public void Float32_optimizers_agree_with_float64()
    {
        Func<Tensor, Optimizer>[] makers =
        [
            p => new SGD([p], 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1),
            p => new Adam([p], 0.1, weightDecay: 0.1, amsgrad: true),
            p => new AdamW([p], 0.1),
        ];
        foreach (var make in makers) AssertClose(Run(make), Run(make, DType.Float32), 1e-6);
    }

    [Fact]
    public void Parameters_without_gradients_are_skipped_and_keep_their_state()
    {
        Tensor a = Tensor.FromArray([1.0]), b = Tensor.FromArray([2.0]);
        a.RequiresGrad = b.RequiresGrad = true;
        var adam = new Adam([a, b], 0.1);
        a.Grad = Tensor.FromArray([0.5]);
        adam.Step();
        Assert.Equal(2.0, b.Item());
        Assert.Equal(1, adam.ParameterStep(0));
        Assert.Equal(0, adam.ParameterStep(1));
        b.Grad = Tensor.FromArray([0.5]);
        adam.Step();
        Assert.Equal(1, adam.ParameterStep(1));
        Assert.Equal(2 - 0.1 * 0.5 / (0.5 + 1e-8), b.Item(), 14);  // b's first step
        Assert.Equal(2, adam.StepCount);
    }

    [Fact]
    public void LearningRate_is_settable_and_ZeroGrad_clears_gradients()
    {
        Tensor p = Tensor.FromArray([1.0]);
        p.RequiresGrad = true;
        var sgd = new SGD([p], 0.1) { LearningRate = 0.5 };
        p.Grad = Tensor.FromArray([2.0]);
        sgd.Step();
        Assert.Equal(0.0, p.Item());
        sgd.ZeroGrad();
        Assert.Equal(0.0, p.Grad!.Item());
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = -1);
    }

    [Fact]
    public void Invalid_arguments_are_rejected_clearly()
    {
        Tensor p = Tensor.FromArray([1.0]);
        p.RequiresGrad = true;
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new SGD([], 0.1)).Message);
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() => new SGD([p, p], 0.1)).Message);
        Assert.Contains("leaf", Assert.Throws<ArgumentException>(() => new SGD([p * 2.0], 0.1)).Message);
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() => new SGD([p], 0.1, nesterov: true)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], beta1: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], eps: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SGD([p], double.NaN));
    }
}
