using Backprop.Explicit;
using static Backprop.Core.Tests.Explicit.ExplicitTestHelpers;

namespace Backprop.Core.Tests.Explicit;

/// <summary>Central finite differences (L(θ + ε) − L(θ − ε))/2ε against the δ-equation gradients.</summary>
public class DenseGradientCheckTests
{
    public static TheoryData<LossFunction, ActivationFunction, ActivationFunction> Configurations() => new()
    {
        { LossFunction.Mse, ActivationFunction.Sigmoid, ActivationFunction.Sigmoid },
        { LossFunction.Mse, ActivationFunction.Tanh, ActivationFunction.Linear },
        { LossFunction.Mse, ActivationFunction.Relu, ActivationFunction.Tanh },
        { LossFunction.Mse, ActivationFunction.Linear, ActivationFunction.Relu },
        { LossFunction.Mse, ActivationFunction.Sigmoid, ActivationFunction.Softmax },
        { LossFunction.CrossEntropy, ActivationFunction.Tanh, ActivationFunction.Softmax },
        { LossFunction.CrossEntropy, ActivationFunction.Relu, ActivationFunction.Softmax },
    };

    [Theory, MemberData(nameof(Configurations))]
    public void GradientsMatchFiniteDifferences(LossFunction loss, ActivationFunction hidden, ActivationFunction output)
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
