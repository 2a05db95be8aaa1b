using Backprop.Explicit;
using static Backprop.Core.Tests.Explicit.ExplicitTestHelpers;

namespace Backprop.Core.Tests.Explicit;

/// <summary>The δ equations give the same numbers as backprop through the scalar Value graph.</summary>
public class DenseAutogradAgreementTests
{
    private const double Tol = 1e-12;

    public static TheoryData<LossFunction, Activation, Activation> Configurations()
    {
        var data = new TheoryData<LossFunction, Activation, Activation>();
        Activation[] elementwise = [Activation.Identity, Activation.ReLU, Activation.Sigmoid, Activation.Tanh];
        foreach (var hidden in elementwise)
        {
            foreach (var output in elementwise) data.Add(LossFunction.Mse, hidden, output);
            data.Add(LossFunction.Mse, hidden, Activation.Softmax);
            data.Add(LossFunction.CrossEntropy, hidden, Activation.Softmax);
        }
        return data;
    }

    [Theory, MemberData(nameof(Configurations))]
    public void Single_sample_matches_value_autograd_at_depths_one_to_four(LossFunction loss, Activation hidden, Activation output)
    {
        var rng = new Rng(HashCode.Combine((int)loss, (int)hidden, (int)output) & 0xFFFF);
        for (int depth = 1; depth <= 4; depth++)
            for (int trial = 0; trial < 3; trial++)
            {
                DenseNetwork net = RandomNetwork(rng, depth, hidden, output, loss);
                double[] x = RandomInput(rng, net.InputCount);
                double[] y = RandomTarget(rng, net.OutputCount, loss);
                string where = $"{net}, trial {trial}";

                BackpropResult r = net.Backpropagate(x, y);
                var twin = new ValueDenseNetwork(net);
                ValuePass v = twin.Backpropagate(x, y);

                Close(v.Loss.Data, r.Loss, Tol, $"{where}: L");
                for (int l = 0; l < depth; l++)
                {
                    LayerBackprop layer = r.Layers[l];
                    Assert.Equal(l + 1, layer.Index);
                    for (int j = 0; j < layer.Delta.Length; j++)
                    {
                        Close(v.Preactivations[l][j].Data, layer.Preactivation[j], Tol, $"{where}: z{l + 1}[{j}]");
                        Close(v.Activations[l][j].Data, layer.Activation[j], Tol, $"{where}: a{l + 1}[{j}]");
                        Close(v.Preactivations[l][j].Grad, layer.Delta[j], Tol, $"{where}: δ{l + 1}[{j}]");
                        Close(v.Activations[l][j].Grad, layer.ActivationGradient[j], Tol, $"{where}: ∂L/∂a{l + 1}[{j}]");
                        Close(twin.Biases[l][j].Grad, layer.BiasGradient[j], Tol, $"{where}: ∂L/∂b{l + 1}[{j}]");
                        for (int i = 0; i < layer.Input.Length; i++)
                            Close(twin.Weights[l][j, i].Grad, layer.WeightGradient[j, i], Tol, $"{where}: ∂L/∂W{l + 1}[{j},{i}]");
                    }
                    if (l > 0)
                        for (int i = 0; i < layer.InputGradient.Length; i++)
                            Close(v.Activations[l - 1][i].Grad, layer.InputGradient[i], Tol, $"{where}: ∂L/∂a{l}[{i}] passed back");
                }
                for (int i = 0; i < x.Length; i++) Close(v.Inputs[i].Grad, r.InputGradient[i], Tol, $"{where}: ∂L/∂x[{i}]");
            }
    }

    [Theory]
    [InlineData(BatchReduction.Mean, LossFunction.Mse, Activation.Tanh, Activation.Sigmoid)]
    [InlineData(BatchReduction.Sum, LossFunction.Mse, Activation.ReLU, Activation.Identity)]
    [InlineData(BatchReduction.Mean, LossFunction.CrossEntropy, Activation.Sigmoid, Activation.Softmax)]
    [InlineData(BatchReduction.Sum, LossFunction.CrossEntropy, Activation.Tanh, Activation.Softmax)]
    public void Mini_batch_matches_value_autograd_and_the_single_sample_passes(BatchReduction reduction, LossFunction loss, Activation hidden, Activation output)
    {
        var rng = new Rng(11 + (int)reduction);
        for (int depth = 1; depth <= 3; depth++)
        {
            DenseNetwork net = RandomNetwork(rng, depth, hidden, output, loss);
            int batch = 5;
            var xs = new double[batch][];
            var ys = new double[batch][];
            for (int s = 0; s < batch; s++) { xs[s] = RandomInput(rng, net.InputCount); ys[s] = RandomTarget(rng, net.OutputCount, loss); }

            BatchBackpropResult r = net.Backpropagate(xs, ys, reduction);
            Assert.Equal(batch, r.BatchSize);
            var twin = new ValueDenseNetwork(net);
            Value vLoss = twin.Backpropagate(xs, ys, reduction);
            Close(vLoss.Data, r.Loss, Tol, "batch L");

            double c = reduction == BatchReduction.Mean ? 1.0 / batch : 1.0;
            var singles = xs.Select((x, s) => net.Backpropagate(x, ys[s])).ToArray();
            Close(c * singles.Sum(p => p.Loss), r.Loss, Tol, "batch L vs singles");
            for (int l = 0; l < depth; l++)
            {
                BatchLayerBackprop layer = r.Layers[l];
                int n = net.Layers[l].OutputCount, k = net.Layers[l].InputCount;
                for (int j = 0; j < n; j++)
                {
                    Close(twin.Biases[l][j].Grad, layer.BiasGradient[j], Tol, $"∂L/∂b{l + 1}[{j}]");
                    Close(c * singles.Sum(p => p.Layers[l].BiasGradient[j]), layer.BiasGradient[j], Tol, $"Σ δ{l + 1}[{j}]");
                    for (int i = 0; i < k; i++)
                    {
                        Close(twin.Weights[l][j, i].Grad, layer.WeightGradient[j, i], Tol, $"∂L/∂W{l + 1}[{j},{i}]");
                        Close(c * singles.Sum(p => p.Layers[l].WeightGradient[j, i]), layer.WeightGradient[j, i], Tol, $"Σ δaᵀ {l + 1}[{j},{i}]");
                    }
                }
                for (int s = 0; s < batch; s++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        Close(singles[s].Layers[l].Preactivation[j], layer.Preactivation[s, j], Tol, $"Z row {s}");
                        Close(singles[s].Layers[l].Activation[j], layer.Activation[s, j], Tol, $"A row {s}");
                        Close(singles[s].Layers[l].Delta[j], layer.Delta[s, j], Tol, $"Δ row {s}");
                    }
                    for (int i = 0; i < k; i++)
                        Close(singles[s].Layers[l].InputGradient[i], layer.InputGradient[s, i], Tol, $"∂L/∂a row {s}");
                }
                // The batch runs through the GEMM (fused multiply-adds), the single passes through loops: equal to rounding.
                for (int s = 0; s < singles.Length; s++) Close(singles[s].Loss, r.Losses[s], Tol, $"loss of row {s}");
            }
        }
    }

    [Fact]
    public void Cross_entropy_output_delta_is_softmax_minus_one_hot()
    {
        var net = new DenseNetwork(3, [4], 5, Activation.Tanh, Activation.Softmax, LossFunction.CrossEntropy, seed: 3);
        double[] x = [0.5, -1.0, 2.0];
        BackpropResult r = net.Backpropagate(x, label: 2);
        LayerBackprop top = r.Layers[^1];

        // softmax by hand from zᴸ
        double[] z = top.Preactivation;
        double[] e = z.Select(Math.Exp).ToArray();
        double sum = e.Sum();
        for (int j = 0; j < 5; j++)
        {
            double softmax = e[j] / sum;
            Close(softmax, top.Activation[j], 1e-15, $"a[{j}]");
            Close(softmax - (j == 2 ? 1 : 0), top.Delta[j], 1e-15, $"δᴸ[{j}] = softmax − onehot");
        }
        Close(-Math.Log(e[2] / sum), r.Loss, 1e-14, "L = −log a_y");

        var twin = new ValueDenseNetwork(net);
        ValuePass v = twin.Backpropagate(x, net.OneHot(2));
        for (int j = 0; j < 5; j++) Close(v.Preactivations[^1][j].Grad, top.Delta[j], Tol, $"autograd δᴸ[{j}]");
    }

    [Fact]
    public void Seeded_network_holds_the_same_numbers_as_the_scalar_mlp()
    {
        var dense = new DenseNetwork(2, [3], 2, Activation.ReLU, Activation.Identity, seed: 42);
        var mlp = new Backprop.Scalar.ValueMLP(2, [3], 2, Backprop.Activation.ReLU, Backprop.Activation.Identity, seed: 42);
        for (int l = 0; l < 2; l++)
            for (int j = 0; j < dense.Layers[l].OutputCount; j++)
            {
                var neuron = mlp.Layers[l].Neurons[j];
                for (int i = 0; i < dense.Layers[l].InputCount; i++) Assert.Equal(neuron.Weights[i].Data, dense.Layers[l].Weights[j, i]);
                Assert.Equal(neuron.Bias.Data, dense.Layers[l].Bias[j]);
            }
        double[] x = [0.3, -0.7];
        var outputs = mlp.Forward(x);
        double[] predicted = dense.Predict(x);
        for (int j = 0; j < 2; j++) Close(outputs[j].Data, predicted[j], 1e-15, $"output {j}");
    }
}
