using Backprop.NN;

namespace Backprop.Core.Tests.NN;

public class LinearTests
{
    [Theory]
    [InlineData(Activation.Identity, true)]
    [InlineData(Activation.Identity, false)]
    [InlineData(Activation.ReLU, true)]
    [InlineData(Activation.Tanh, true)]
    [InlineData(Activation.Sigmoid, false)]
    public void Fused_linear_passes_the_float64_gradient_check(Activation activation, bool bias)
    {
        Tensor x = FiniteDifferences.Param(1, 1.0, 5, 4);
        Tensor w = FiniteDifferences.Param(2, 0.7, 3, 4);
        Tensor? b = bias ? FiniteDifferences.Param(3, 0.5, 3) : null;
        Tensor[] inputs = b is null ? [x, w] : [x, w, b];
        FiniteDifferences.Check(t => Functional.Linear(t[0], t[1], t.Length > 2 ? t[2] : null, activation), inputs);
    }

    [Fact]
    public void Linear_accepts_a_single_sample_and_extra_leading_dimensions()
    {
        Tensor w = FiniteDifferences.Param(2, 0.7, 3, 4);
        Tensor b = FiniteDifferences.Param(3, 0.5, 3);
        Tensor x1 = FiniteDifferences.Param(4, 1.0, 4);
        Assert.Equal([3], Functional.Linear(x1, w, b).Shape);
        FiniteDifferences.Check(t => Functional.Linear(t[0], t[1], t[2], Activation.Tanh), [x1, w, b]);
        Tensor x3 = FiniteDifferences.Param(5, 1.0, 2, 3, 4);
        Assert.Equal([2, 3, 3], Functional.Linear(x3, w, b).Shape);
        FiniteDifferences.Check(t => Functional.Linear(t[0], t[1], t[2]), [x3, w, b]);
    }

    [Fact]
    public void Linear_matches_the_definition_and_is_one_graph_node()
    {
        Tensor x = Tensor.FromArray(new double[,] { { 1, 2 }, { -3, 0.5 } });
        var layer = new Linear(Tensor.FromArray(new double[,] { { 0.5, -1 }, { 2, 0.25 }, { 0, 1 } }), Tensor.FromArray([0.1, -0.2, 0.3]));
        Tensor y = layer.Forward(x);
        Assert.Equal("linear", y.Op);
        Assert.Equal(3, y.Parents.Count);
        Assert.Same(x, y.Parents[0]);
        double[] expected = [1 * 0.5 + 2 * -1 + 0.1, 1 * 2 + 2 * 0.25 - 0.2, 2 + 0.3, -3 * 0.5 - 0.5 + 0.1, -6 + 0.125 - 0.2, 0.5 + 0.3];
        double[] actual = y.ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);

        Tensor relu = new Linear(layer.Weight, layer.Bias, Activation.ReLU).Forward(x);
        Assert.Equal("linear+relu", relu.Op);
        double[] r = relu.ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(Math.Max(0, expected[i]), r[i], 12);
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.ReLU)]
    public void Wide_fused_linear_passes_the_gradient_check_on_vector_and_tail_lanes(Activation activation)
    {
        // 11 outputs: the bias column sums and the fused activation derivative run over full vectors and a tail.
        Tensor x = FiniteDifferences.Param(4, 1.0, 7, 3);
        Tensor w = FiniteDifferences.Param(5, 0.7, 11, 3);
        Tensor b = FiniteDifferences.Param(6, 0.5, 11);
        FiniteDifferences.Check(t => Functional.Linear(t[0], t[1], t[2], activation), [x, w, b]);
    }

    [Fact]
    public void Bias_gradient_is_the_column_sum_of_the_upstream_gradient()
    {
        var layer = new Linear(3, 19, seed: 2);
        Tensor x = Tensor.Randn([13, 3], 4);
        Tensor upstream = Tensor.Randn([13, 19], 5);
        layer.Forward(x).Backward(upstream);
        float[] g = upstream.AsSpan<float>().ToArray();
        float[] db = layer.Bias!.Grad!.AsSpan<float>().ToArray();
        for (int j = 0; j < 19; j++)
        {
            float expected = 0;
            for (int r = 0; r < 13; r++) expected += g[r * 19 + j];
            Assert.Equal(expected, db[j], 1e-5f);
        }
    }

    [Fact]
    public void Float32_linear_agrees_with_float64()
    {
        var l64 = new Linear(6, 5, seed: 3, dtype: DType.Float64, activation: Activation.Tanh);
        var l32 = new Linear(l64.Weight.To(DType.Float32).Detach(), l64.Bias!.To(DType.Float32).Detach(), Activation.Tanh);
        Tensor x64 = Tensor.Randn([4, 6], 9, DType.Float64);
        Tensor y64 = l64.Forward(x64), y32 = l32.Forward(x64.To(DType.Float32));
        y64.Sum().Backward();
        y32.Sum().Backward();
        AssertClose(y64.ToArray(), y32.ToArray(), 1e-5);
        AssertClose(l64.Weight.Grad!.ToArray(), l32.Weight.Grad!.ToArray(), 1e-5);
        AssertClose(l64.Bias!.Grad!.ToArray(), l32.Bias!.Grad!.ToArray(), 1e-5);
    }

    private static void AssertClose(double[] expected, double[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"[{i}] {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void Shape_errors_name_the_op_and_both_shapes()
    {
        var layer = new Linear(4, 3);
        var e = Assert.Throws<ShapeMismatchException>(() => layer.Forward(Tensor.Zeros(2, 5)));
        Assert.Contains("linear", e.Message);
        Assert.Contains("[2, 5]", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        Assert.Throws<ShapeMismatchException>(() => new Linear(Tensor.Zeros(3, 4), Tensor.Zeros(4)));
        var dtype = Assert.Throws<ArgumentException>(() => layer.Forward(Tensor.Zeros([2, 4], DType.Float64)));
        Assert.Contains("Float64", dtype.Message);
    }

    [Fact]
    public void Default_init_is_seeded_and_bounded_by_one_over_sqrt_fan_in()
    {
        var a = new Linear(16, 8, seed: 5);
        var b = new Linear(16, 8, seed: 5);
        var c = new Linear(16, 8, seed: 6);
        Assert.Equal(a.Weight.ToArray(), b.Weight.ToArray());
        Assert.Equal(a.Bias!.ToArray(), b.Bias!.ToArray());
        Assert.NotEqual(a.Weight.ToArray(), c.Weight.ToArray());
        double bound = 1 / Math.Sqrt(16);
        Assert.All(a.Weight.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.All(a.Bias!.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.True(a.Weight.RequiresGrad && a.Bias!.RequiresGrad);
    }

    [Theory]
    [InlineData(InitScheme.XavierUniform)]
    [InlineData(InitScheme.XavierNormal)]
    [InlineData(InitScheme.KaimingUniform)]
    [InlineData(InitScheme.KaimingNormal)]
    public void Init_schemes_have_their_variance(InitScheme scheme)
    {
        const int fanIn = 200, fanOut = 300;
        var layer = new Linear(fanIn, fanOut, init: scheme, seed: 11, dtype: DType.Float64);
        double[] w = layer.Weight.ToArray();
        double mean = w.Average(), variance = w.Select(v => (v - mean) * (v - mean)).Average();
        double expected = scheme is InitScheme.XavierUniform or InitScheme.XavierNormal ? 2.0 / (fanIn + fanOut) : 2.0 / fanIn;
        Assert.InRange(variance, 0.95 * expected, 1.05 * expected);
        Assert.InRange(mean, -0.01, 0.01);
        Assert.All(layer.Bias!.ToArray(), v => Assert.Equal(0.0, v));
        if (scheme == InitScheme.XavierUniform) Assert.All(w, v => Assert.InRange(v, -Math.Sqrt(6.0 / 500), Math.Sqrt(6.0 / 500)));
        if (scheme == InitScheme.KaimingUniform) Assert.All(w, v => Assert.InRange(v, -Math.Sqrt(6.0 / fanIn), Math.Sqrt(6.0 / fanIn)));
    }
}
