using Backprop.Data;
using Backprop.Scalar;

namespace Backprop.Core.Tests.Scalar;

/// <summary>Neuron, Layer and MLP of note 003.</summary>
public class ScalarNetworkTests
{
    [Fact]
    public void Neuron_computes_activation_of_weighted_sum_plus_bias()
    {
        var n = new Neuron(3, Activation.ReLU, new Rng(1), "n");
        n.Weights[0].Data = 0.5; n.Weights[1].Data = -1; n.Weights[2].Data = 2; n.Bias.Data = 0.25;
        Value[] x = [new(1), new(2), new(0.5)];
        Assert.Equal(0.5 - 2 + 1 + 0.25, n.Preactivation(x).Data, 15);
        Assert.Equal(0.0, n.Forward(x).Data);                 // ReLU(−0.25) = 0
        Assert.Equal(["n.w0", "n.w1", "n.w2", "n.b"], n.Parameters().Select(p => p.Label));
        Assert.All(n.Parameters(), p => Assert.True(p.IsParameter));
    }

    [Fact]
    public void A_neuron_refuses_softmax_which_needs_the_whole_layer()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Neuron(2, Activation.Softmax, new Rng(1)));
        Assert.Contains("Neuron: expected an elementwise activation", e.Message);
        Assert.Throws<ArgumentException>(() => Activation.Softmax.Apply(new Value(1.0)));
        Assert.Equal(2.0, Activation.Identity.Apply(new Value(2.0)).Data);
    }

    [Fact]
    public void Sizes_are_inputs_hidden_sizes_outputs_and_no_hidden_layer_is_one_layer()
    {
        var mlp = new ValueMLP(3, [5, 4], 2);
        Assert.Equal([3, 5, 4], mlp.Layers.Select(l => l.InputCount));
        Assert.Equal([5, 4, 2], mlp.Layers.Select(l => l.OutputCount));
        var single = new ValueMLP(3, [], 2, outputActivation: Activation.Sigmoid);
        Assert.Equal("ValueMLP(3 → 2; 8 parameters)", single.ToString());
        Assert.Equal(Activation.Sigmoid, single.Layers[0].Neurons[0].Activation);
    }

    [Fact]
    public void Same_seed_same_weights_different_seed_different_weights()
    {
        var a = new ValueMLP(2, [16, 16], 1, seed: 42);
        var b = new ValueMLP(2, [16, 16], 1, seed: 42);
        var c = new ValueMLP(2, [16, 16], 1, seed: 43);
        Assert.Equal(a.Parameters().Select(p => p.Data), b.Parameters().Select(p => p.Data));
        Assert.NotEqual(a.Parameters().Select(p => p.Data), c.Parameters().Select(p => p.Data));
        Assert.All(a.Layers[0].Parameters(), p => Assert.InRange(p.Data, -1 / Math.Sqrt(2), 1 / Math.Sqrt(2)));
    }

    [Fact]
    public void Mlp_shapes_and_parameter_count()
    {
        var mlp = new ValueMLP(2, [16, 16], 1);
        Assert.Equal(2 * 16 + 16 + 16 * 16 + 16 + 16 + 1, mlp.ParameterCount); // 337
        Assert.Equal("ValueMLP(2 → 16 → 16 → 1; 337 parameters)", mlp.ToString());
        Assert.Single(mlp.Forward(0.5, -0.2));
        Assert.Equal(Activation.Identity, mlp.Layers[^1].Neurons[0].Activation);
        Assert.Equal(Activation.ReLU, mlp.Layers[0].Neurons[0].Activation);
    }

    [Fact]
    public void Wrong_input_count_is_a_clear_error()
    {
        var mlp = new ValueMLP(3, [4], 2);
        var e = Assert.Throws<ArgumentException>(() => mlp.Forward(1.0, 2.0));
        Assert.Contains("expected 3", e.Message);
        Assert.Throws<InvalidOperationException>(() => mlp.Predict(1, 2, 3));
        Assert.Throws<ArgumentException>(() => new ValueMLP(2, [4], 0));
    }

    [Theory]
    [InlineData(Activation.ReLU)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Identity)]
    public void Mlp_gradients_match_finite_differences(Activation hidden)
    {
        var mlp = new ValueMLP(3, [4, 3], 2, hidden, Activation.Tanh, seed: 7);
        double[][] xs = [[0.5, -1.0, 0.25], [-0.3, 0.8, 1.2]];
        double[][] ys = [[0.1, -0.4], [0.7, 0.2]];
        Value Loss()
        {
            var terms = new List<Value>();
            for (int i = 0; i < xs.Length; i++) terms.Add(ScalarLosses.MSE(mlp.Forward(xs[i]), ys[i]));
            return Value.Sum(terms);
        }
        GradCheckResult r = GradCheck.Check(mlp.Parameters(), Loss);
        Assert.True(r.Passed(1e-5, 1e-8), r.ToString());
    }

    [Fact]
    public void Step_moves_each_parameter_against_its_gradient()
    {
        var mlp = new ValueMLP(2, [3], 1, seed: 3);
        Value loss = mlp.Predict(1, -1).Pow(2);
        mlp.ZeroGrad();
        loss.Backward();
        double[] before = mlp.Parameters().Select(p => p.Data).ToArray();
        double[] grads = mlp.Parameters().Select(p => p.Grad).ToArray();
        mlp.Step(0.1);
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i] - 0.1 * grads[i], mlp.Parameters()[i].Data, 15);
        mlp.ZeroGrad();
        Assert.All(mlp.Parameters(), p => Assert.Equal(0.0, p.Grad));
    }

    [Fact]
    public void Losses_match_their_formulas()
    {
        Value[] p = [new(0.5), new(-1.0)];
        Assert.Equal(((0.5 - 1) * (0.5 - 1) + 1) / 2, ScalarLosses.MSE(p, [1.0, -2.0]).Data, 15);
        Assert.Equal(0.5 * ((0.5 - 1) * (0.5 - 1) + 1), ScalarLosses.MSE(p, [1.0, -2.0], half: true).Data, 15);
        Assert.Equal((0.5 + 0) / 2, ScalarLosses.Hinge(p, [1.0, -1.0]).Data, 15);
        Assert.Throws<ArgumentException>(() => ScalarLosses.Hinge(p, [1.0, 0.0]));
        Assert.Throws<ArgumentException>(() => ScalarLosses.MSE(p, [1.0]));
    }

    [Fact]
    public void A_2_16_16_1_mlp_learns_two_moons()
    {
        var data = Datasets.TwoMoons(100, 0.1, seed: 1);
        var model = new ValueMLP(2, [16, 16], 1, seed: 1337);
        double[] signs = data.Labels.Select(y => y == 1 ? 1.0 : -1.0).ToArray();
        double firstLoss = double.NaN, lastLoss = double.NaN;
        for (int step = 0; step < 100; step++)
        {
            var scores = data.Features.Select(x => model.Predict(x)).ToArray();
            Value loss = ScalarLosses.Hinge(scores, signs) + ScalarLosses.L2(model.Parameters(), 1e-4);
            if (step == 0) firstLoss = loss.Data;
            lastLoss = loss.Data;
            model.ZeroGrad();
            loss.Backward();
            model.Step(1.0 - 0.9 * step / 100);
        }
        int correct = 0;
        using (new NoGrad())
            for (int i = 0; i < data.Count; i++)
                if (model.Predict(data.Features[i]).Data > 0 == signs[i] > 0) correct++;
        Assert.True(lastLoss < firstLoss / 5, $"loss {firstLoss} → {lastLoss}");
        Assert.True(correct >= 95, $"accuracy {correct}%");
    }

    [Fact]
    public void Two_moons_is_seeded_and_balanced()
    {
        var a = Datasets.TwoMoons(51, 0.1, seed: 5);
        var b = Datasets.TwoMoons(51, 0.1, seed: 5);
        Assert.Equal(a.Features.SelectMany(r => r), b.Features.SelectMany(r => r));
        Assert.Equal(26, a.Labels.Count(y => y == 0));
        Assert.Equal(25, a.Labels.Count(y => y == 1));
        Assert.NotEqual(a.Features.SelectMany(r => r), Datasets.TwoMoons(51, 0.1, seed: 6).Features.SelectMany(r => r));
    }
}
