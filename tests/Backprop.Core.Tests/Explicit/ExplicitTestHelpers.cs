using Backprop.Explicit;

namespace Backprop.Core.Tests.Explicit;

internal static class ExplicitTestHelpers
{
    /// <summary>|actual − expected| ≤ tol·max(1, |expected|).</summary>
    public static void Close(double expected, double actual, double tol, string what)
    {
        double scale = Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(actual - expected) <= tol * scale, $"{what}: expected {expected:R}, got {actual:R} (diff {Math.Abs(actual - expected):E2})");
    }

    /// <summary>A seeded random network: widths 1–4 per layer, inputs 1–4.</summary>
    public static DenseNetwork RandomNetwork(Rng rng, int depth, Activation hidden, Activation output, LossFunction loss)
    {
        int inputs = 1 + rng.NextInt(4);
        var sizes = new int[depth];
        for (int l = 0; l < depth; l++) sizes[l] = 1 + rng.NextInt(4);
        if (output == Activation.Softmax) sizes[^1] = 2 + rng.NextInt(3); // softmax of one output is constant
        var net = new DenseNetwork(inputs, sizes[..^1], sizes[^1], hidden, output, loss, seed: rng.NextInt(1_000_000));
        // Scale weights up a little so that activations leave their linear regions.
        foreach (DenseLayer layer in net.Layers)
        {
            for (int j = 0; j < layer.OutputCount; j++)
            {
                for (int i = 0; i < layer.InputCount; i++) layer.Weights[j, i] *= 1.5;
                layer.Bias[j] *= 1.5;
            }
        }
        return net;
    }

    public static double[] RandomInput(Rng rng, int n)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.NextGaussian();
        return x;
    }

    /// <summary>A target: uniform in [0, 1) for MSE; one-hot or a random probability vector for cross-entropy.</summary>
    public static double[] RandomTarget(Rng rng, int n, LossFunction loss)
    {
        var y = new double[n];
        if (loss == LossFunction.Mse)
        {
            for (int j = 0; j < n; j++) y[j] = rng.NextDouble();
            return y;
        }
        if (rng.NextInt(2) == 0)
        {
            y[rng.NextInt(n)] = 1;
            return y;
        }
        double sum = 0;
        for (int j = 0; j < n; j++) sum += y[j] = rng.NextDouble() + 0.1;
        for (int j = 0; j < n; j++) y[j] /= sum;
        return y;
    }
}
