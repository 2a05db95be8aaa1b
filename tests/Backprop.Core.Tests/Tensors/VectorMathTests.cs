namespace Backprop.Core.Tests.Tensors;

/// <summary>The vectorised float32 tanh agrees with the exact value to a few ulps everywhere.</summary>
public class VectorMathTests
{
    private static double UlpError(float actual, double exact)
    {
        float rounded = (float)exact;
        double ulp = MathF.BitIncrement(MathF.Abs(rounded)) - MathF.Abs(rounded);
        return Math.Abs(actual - exact) / ulp;
    }

    [Fact]
    public void Float32_tanh_is_within_three_ulps_of_the_exact_value()
    {
        // Dense around zero (where 1 − e^(−2|x|) would cancel), wide ranges, and a length that leaves a tail.
        var x = new List<float>();
        for (int i = -30000; i <= 30000; i++) x.Add(i * 1e-4f);
        for (int i = -2000; i <= 2000; i++) x.Add(i * 0.01f);
        for (int e = -40; e <= 2; e++) { x.Add(MathF.Pow(2, e)); x.Add(-1.37f * MathF.Pow(2, e)); }
        x.Add(7);
        float[] input = [.. x];
        Assert.NotEqual(0, input.Length % 8);
        var y = new float[input.Length];
        VectorMath.Tanh<float>(input, y);
        for (int i = 0; i < input.Length; i++)
            Assert.True(UlpError(y[i], Math.Tanh(input[i])) <= 3, $"tanh({input[i]:R}) = {y[i]:R}, exact {Math.Tanh(input[i]):R}");
    }

    [Fact]
    public void Float32_tanh_handles_special_values_and_works_in_place()
    {
        float[] x = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-30f, -1e-30f, 100f, -100f, 9.5f, -9.5f];
        float[] expected = [float.NaN, 1f, -1f, 0f, -0f, 1e-30f, -1e-30f, 1f, -1f, 1f, -1f];
        VectorMath.Tanh<float>(x, x);
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsNaN(expected[i])) Assert.True(float.IsNaN(x[i]));
            else Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(x[i]));
        }
    }

    [Fact]
    public void Float64_tanh_matches_the_exact_value()
    {
        double[] x = [-3, -0.5, 1e-9, 0.25, 2, 8, 0.1];
        var y = new double[x.Length];
        VectorMath.Tanh<double>(x, y);
        for (int i = 0; i < x.Length; i++) Assert.Equal(Math.Tanh(x[i]), y[i], 1e-14);
    }
}
