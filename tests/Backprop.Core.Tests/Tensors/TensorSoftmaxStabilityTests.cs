namespace Backprop.Core.Tests.Tensors;

public class TensorSoftmaxStabilityTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Softmax_WithPlusMinus1000_IsFinite_AndHasCorrectGradients(DType dtype)
    {
        Tensor x = Tensor.FromArray(new double[] { 1000, 999, -1000, -1000, 1000, 1000 }, [2, 3], dtype);
        x.RequiresGrad = true;
        Tensor y = x.Softmax(1);
        double e = Math.Exp(-1), z = 1 + e;
        double[] expected = [1 / z, e / z, 0, 0, 0.5, 0.5];
        double[] actual = y.ToArray();
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], actual[i], 6);

        // L = Σ y ⊙ w ⇒ ∂L/∂x = y ⊙ (w − Σ y·w).
        double[] w = [1, 2, 3, -1, 0.5, 2];
        y.Backward(Tensor.FromArray(w, [2, 3], dtype));
        double[] g = x.Grad!.ToArray();
        for (int r = 0; r < 2; r++)
        {
            double dot = 0;
            for (int j = 0; j < 3; j++) dot += expected[r * 3 + j] * w[r * 3 + j];
            for (int j = 0; j < 3; j++)
            {
                Assert.True(double.IsFinite(g[r * 3 + j]));
                Assert.Equal(expected[r * 3 + j] * (w[r * 3 + j] - dot), g[r * 3 + j], 5);
            }
        }
    }

    [Theory]
    [InlineData(DType.Float32, 0)]
    [InlineData(DType.Float32, 1)]
    [InlineData(DType.Float64, 0)]
    [InlineData(DType.Float64, 1)]
    public void LogSoftmax_WithPlusMinus1000_IsFinite_AndHasCorrectGradients(DType dtype, int axis)
    {
        double[] data = [1000, -1000, 0, 1000];
        Tensor x = Tensor.FromArray(data, [2, 2], dtype);
        x.RequiresGrad = true;
        Tensor y = x.LogSoftmax(axis);
        double[] v = y.ToArray();
        Assert.All(v, a => Assert.True(double.IsFinite(a)));
        // Along each slice: log softmax = x − max − log Σ e^(x − max).
        for (int i = 0; i < 4; i++)
        {
            int r = i / 2, c = i % 2;
            double other = axis == 1 ? data[r * 2 + 1 - c] : data[(1 - r) * 2 + c];
            double max = Math.Max(data[i], other);
            double expected = data[i] - max - Math.Log(Math.Exp(data[i] - max) + Math.Exp(other - max));
            Assert.Equal(expected, v[i], 4);
        }
        // L = Σ log softmax ⇒ ∂L/∂x = 1 − n·softmax (n = 2 along the axis).
        y.Sum().Backward();
        double[] g = x.Grad!.ToArray();
        for (int i = 0; i < 4; i++)
        {
            Assert.True(double.IsFinite(g[i]));
            Assert.Equal(1 - 2 * Math.Exp(v[i]), g[i], 5);
        }
    }
}
