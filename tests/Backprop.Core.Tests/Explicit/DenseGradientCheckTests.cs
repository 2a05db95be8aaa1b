using Backprop.Explicit;
using static Backprop.Core.Tests.Explicit.ExplicitTestHelpers;

namespace Backprop.Core.Tests.Explicit;

/// <summary>Central finite differences (L(θ + ε) − L(θ − ε))/2ε against the δ-equation gradients.</summary>
public class DenseGradientCheckTests
{
    public static TheoryData<LossFunction, Activation, Activation> Configurations() => new()
    {
        { LossFunction.Mse, Activation.Sigmoid, Activation.Sigmoid },
        { LossFunction.Mse, Activation.Tanh, Activation.Identity },
        { LossFunction.Mse, Activation.ReLU, Activation.Tanh },
        { LossFunction.Mse, Activation.Identity, Activation.ReLU },
        { LossFunction.Mse, Activation.Sigmoid, Activation.Softmax },
        { LossFunction.CrossEntropy, Activation.Tanh, Activation.Softmax },
        { LossFunction.CrossEntropy, Activation.ReLU, Activation.Softmax },
    };

    [Theory, MemberData(nameof(Configurations))]
    public void Gradients_match_finite_differences(LossFunction loss, Activation hidden, Activation output)
    {
        const double eps = 1e-6;
        var rng = new Rng(100 + (int)loss * 10 + (int)hidden * 3 + (int)output);
        for (int depth = 1; depth <= 3; depth++)
        {
            DenseNetwork net = RandomNetwork(rng, depth, hidden, output, loss);
            double[] x = RandomInput(rng, net.InputCount);
            double[] y = RandomTarget(rng, net.OutputCount, loss);
            BackpropResult r = net.Backpropagate(x, y);

            double Numeric(Action<double> nudge)
            {
                nudge(+eps);
                double plus = net.ComputeLoss(x, y);
                nudge(-2 * eps);
                double minus = net.ComputeLoss(x, y);
                nudge(+eps);
                return (plus - minus) / (2 * eps);
            }

            for (int l = 0; l < depth; l++)
            {
                DenseLayer layer = net.Layers[l];
                for (int j = 0; j < layer.OutputCount; j++)
                {
                    for (int i = 0; i < layer.InputCount; i++)
                        Close(Numeric(d => layer.Weights[j, i] += d), r.Layers[l].WeightGradient[j, i], 1e-6, $"{net}: ∂L/∂W{l + 1}[{j},{i}]");
                    Close(Numeric(d => layer.Bias[j] += d), r.Layers[l].BiasGradient[j], 1e-6, $"{net}: ∂L/∂b{l + 1}[{j}]");
                }
            }
            for (int i = 0; i < x.Length; i++)
                Close(Numeric(d => x[i] += d), r.InputGradient[i], 1e-6, $"{net}: ∂L/∂x[{i}]");
        }
    }
}
