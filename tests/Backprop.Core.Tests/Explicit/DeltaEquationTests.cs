using Backprop.Explicit;
using static Backprop.Core.Tests.Explicit.ExplicitTestHelpers;

namespace Backprop.Core.Tests.Explicit;

/// <summary>Note 002's worked numbers and the δ equations written out by hand.</summary>
public class DeltaEquationTests
{
    private static double Logit(double p) => Math.Log(p / (1 - p));
    private static double Sigma(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>A sigmoid output layer whose activations are note 002's a = (0.3, 0.5, 0.2) for input aᴸ⁻¹.</summary>
    private static DenseLayer Note002OutputLayer(double[] previous)
    {
        double[,] w = { { 0.1, 0.2 }, { -0.3, 0.4 }, { 0.5, -0.6 } };
        double[] a = [0.3, 0.5, 0.2];
        var b = new double[3];
        for (int j = 0; j < 3; j++) b[j] = Logit(a[j]) - (w[j, 0] * previous[0] + w[j, 1] * previous[1]); // so that σ(zⱼ) = aⱼ
        return new DenseLayer(w, b, Activation.Sigmoid);
    }

    [Fact]
    public void Note002_output_deltas()
    {
        double[] previous = [0.6, -1.2];                // aᴸ⁻¹
        double[] y = [0, 1, 0];
        var net = new DenseNetwork(LossFunction.Mse, Note002OutputLayer(previous));
        BackpropResult r = net.Backpropagate(previous, y);
        LayerBackprop output = r.Layers[0];

        double[] a = [0.3, 0.5, 0.2];
        for (int j = 0; j < 3; j++)
        {
            Close(a[j], output.Activation[j], 1e-15, $"a[{j}]");
            double delta = (a[j] - y[j]) * a[j] * (1 - a[j]);       // δⱼ = (aⱼ − yⱼ)σ′(zⱼ), σ′ = σ(1 − σ)
            Close(delta, output.Delta[j], 1e-12, $"δ[{j}]");
            Close(a[j] - y[j], output.ActivationGradient[j], 1e-15, $"∂L/∂a[{j}]");
            Close(delta, output.BiasGradient[j], 1e-12, $"∂L/∂b[{j}] = δ[{j}]");
            for (int i = 0; i < 2; i++)
                Close(delta * previous[i], output.WeightGradient[j, i], 1e-12, $"∂L/∂w[{i},{j}] = δ[{j}]·a[{i}]");
        }
        // The note's arithmetic: 0.3·0.3·0.7, (0.5 − 1)·0.5·0.5, 0.2·0.2·0.8.
        Close(0.063, output.Delta[0], 1e-12, "δ₁");
        Close(-0.125, output.Delta[1], 1e-12, "δ₂");
        Close(0.032, output.Delta[2], 1e-12, "δ₃");
        Close(0.5 * (0.09 + 0.25 + 0.04), r.Loss, 1e-12, "L = ½Σ(y − a)²");
    }

    [Fact]
    public void Hidden_delta_is_the_transposed_weights_times_the_next_delta_times_the_derivative()
    {
        double[,] w1 = { { 0.15, 0.20 }, { 0.25, 0.30 } };
        double[] b1 = [0.35, 0.35];
        double[] x = [0.05, 0.10];
        // Hidden layer output, computed by hand, sets up the note-002 output layer on top.
        double[] h = [Sigma(0.15 * 0.05 + 0.20 * 0.10 + 0.35), Sigma(0.25 * 0.05 + 0.30 * 0.10 + 0.35)];
        DenseLayer top = Note002OutputLayer(h);
        var net = new DenseNetwork(LossFunction.Mse, new DenseLayer(w1, b1, Activation.Sigmoid), top);
        double[] y = [0, 1, 0];
        BackpropResult r = net.Backpropagate(x, y);

        double[] delta2 = [0.063, -0.125, 0.032];
        for (int i = 0; i < 2; i++)
        {
            Close(h[i], r.Layers[0].Activation[i], 1e-15, $"h[{i}]");
            double passedBack = 0;                                  // (W²ᵀδ²)ᵢ = Σⱼ W²[j,i] δ²ⱼ
            for (int j = 0; j < 3; j++) passedBack += top.Weights[j, i] * delta2[j];
            Close(passedBack, r.Layers[1].InputGradient[i], 1e-12, $"∂L/∂h[{i}]");
            Close(passedBack, r.Layers[0].ActivationGradient[i], 1e-12, $"∂L/∂a¹[{i}]");
            double delta1 = passedBack * h[i] * (1 - h[i]);         // δ¹ᵢ = (W²ᵀδ²)ᵢ σ′(z¹ᵢ)
            Close(delta1, r.Layers[0].Delta[i], 1e-12, $"δ¹[{i}]");
            for (int k = 0; k < 2; k++) Close(delta1 * x[k], r.Layers[0].WeightGradient[i, k], 1e-12, $"∂L/∂W¹[{i},{k}]");
        }
        for (int k = 0; k < 2; k++)
        {
            double dx = w1[0, k] * r.Layers[0].Delta[0] + w1[1, k] * r.Layers[0].Delta[1];
            Close(dx, r.InputGradient[k], 1e-15, $"∂L/∂x[{k}]");
        }
    }

    [Fact]
    public void Constructor_copies_the_given_numbers()
    {
        double[,] w = { { 1, 2 } };
        double[] b = [3];
        var layer = new DenseLayer(w, b, Activation.Identity);
        w[0, 0] = 100;
        b[0] = 100;
        Assert.Equal(1, layer.Weights[0, 0]);
        Assert.Equal(3, layer.Bias[0]);
        Assert.Equal("Dense(2 → 1, Identity)", layer.ToString());
    }
}
