using Backprop.Data;
using Backprop.Explicit;

namespace Backprop.Core.Tests.Explicit;

public class DenseTrainingTests
{
    [Fact]
    public void Step_moves_every_parameter_against_its_gradient()
    {
        var net = new DenseNetwork(2, [3], 2, Activation.Tanh, Activation.Sigmoid, seed: 1);
        var before = net.Clone();
        BackpropResult r = net.TrainStep([0.4, -0.2], [1, 0], learningRate: 0.5);
        for (int l = 0; l < 2; l++)
            for (int j = 0; j < net.Layers[l].OutputCount; j++)
            {
                Assert.Equal(before.Layers[l].Bias[j] - 0.5 * r.Layers[l].BiasGradient[j], net.Layers[l].Bias[j], 15);
                for (int i = 0; i < net.Layers[l].InputCount; i++)
                    Assert.Equal(before.Layers[l].Weights[j, i] - 0.5 * r.Layers[l].WeightGradient[j, i], net.Layers[l].Weights[j, i], 15);
            }
        Assert.True(net.ComputeLoss([0.4, -0.2], [1, 0]) < r.Loss);
    }

    [Fact]
    public void Mini_batch_sgd_learns_xor()
    {
        var data = Datasets.Xor(samples: 80, noise: 0.05, seed: 2);
        var net = new DenseNetwork(2, [8], 2, Activation.Tanh, Activation.Softmax, LossFunction.CrossEntropy, seed: 5);
        double first = net.Backpropagate(data.Features, data.Labels).Loss;
        var ys = data.Labels.Select(net.OneHot).ToArray();
        for (int epoch = 0; epoch < 300; epoch++) net.TrainStep(data.Features, ys, learningRate: 0.5);
        BatchBackpropResult last = net.Backpropagate(data.Features, ys);
        Assert.True(last.Loss < 0.1 * first, $"loss went from {first} to {last.Loss}");
        int correct = 0;
        for (int s = 0; s < data.Count; s++)
        {
            double[] p = net.Predict(data.Features[s]);
            correct += (p[1] > p[0] ? 1 : 0) == data.Labels[s] ? 1 : 0;
        }
        Assert.Equal(data.Count, correct);
    }

    [Fact]
    public void Bad_input_gives_clear_errors()
    {
        var sigmoid = new DenseLayer(new double[2, 2], [0, 0], Activation.Sigmoid);
        var softmax = new DenseLayer(new double[2, 2], [0, 0], Activation.Softmax);
        Assert.Contains("softmax is only allowed on the output layer",
            Assert.Throws<ArgumentException>(() => new DenseNetwork(LossFunction.Mse, softmax, sigmoid)).Message);
        Assert.Contains("cross-entropy expects a softmax output",
            Assert.Throws<ArgumentException>(() => new DenseNetwork(LossFunction.CrossEntropy, sigmoid)).Message);
        var three = new DenseLayer(new double[1, 3], [0], Activation.Identity);
        Assert.Contains("layer 2 (Dense(3 → 1, Identity)) expects 3 inputs, but layer 1 (Dense(2 → 2, Sigmoid)) gives 2",
            Assert.Throws<ArgumentException>(() => new DenseNetwork(LossFunction.Mse, sigmoid, three)).Message);
        Assert.Contains("expected 2 biases, got 1",
            Assert.Throws<ArgumentException>(() => new DenseLayer(new double[2, 3], [0], Activation.ReLU)).Message);

        var net = new DenseNetwork(LossFunction.CrossEntropy, sigmoid, softmax);
        Assert.Contains("expected an input of 2 values, got 3", Assert.Throws<ArgumentException>(() => net.Forward([1, 2, 3])).Message);
        Assert.Contains("expected a target of 2 values, got 1", Assert.Throws<ArgumentException>(() => net.Backpropagate([1, 2], [1.0])).Message);
        Assert.Contains("sums to 1", Assert.Throws<ArgumentException>(() => net.Backpropagate([1, 2], [0.5, 0.6])).Message);
        Assert.Contains("sample 1", Assert.Throws<ArgumentException>(() => net.Backpropagate([[1, 2], [1]], new[] { 0, 1 })).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.OneHot(2));
    }
}
