namespace Backprop.Core.Tests.Tensors;

/// <summary>The vectorised float32 tanh and exp agree with the exact values to a few ulps everywhere.</summary>
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

    /// <summary>Floats run on 512-bit vectors where the runtime accelerates them, else on Vector&lt;T&gt;: both must give the
    /// same bits. Every 251st float bit pattern (all signs, exponents, NaNs, subnormals), in a length with a tail.</summary>
    [SkippableTheory]
    [InlineData("exp")]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    public void Float32_functions_give_the_same_bits_on_512_bit_and_narrower_vectors(string function)
    {
        Skip.IfNot(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, "no accelerated 512-bit vectors on this machine");
        var x = new float[(int)(0x1_0000_0000L / 251) + 3];
        for (int i = 0; i < x.Length; i++) x[i] = BitConverter.Int32BitsToSingle((int)((long)i * 251));
        float[] wide = new float[x.Length], narrow = new float[x.Length];
        VectorMath.OnLanes<FloatLanes512>(function, x, wide);
        VectorMath.OnLanes<FloatLanes>(function, x, narrow);
        for (int i = 0; i < x.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(wide[i]) == BitConverter.SingleToInt32Bits(narrow[i]),
                $"{function}({x[i]:R}): {wide[i]:R} on 512-bit vectors, {narrow[i]:R} on {System.Numerics.Vector<float>.Count}-float ones");
    }

    [Fact]
    public void Float32_exp_gives_the_same_bits_whether_a_vector_takes_the_common_or_the_general_path()
    {
        // A vector whose lanes all lie in [−87, 88] takes the one-power path; one lane outside sends the whole vector
        // through the general path. Interleaving each value with 200 (overflow) forces the general path everywhere.
        var values = new List<float>();
        for (float v = -87f; v <= 88f; v += 0.00731f) values.Add(v);
        values.AddRange([-87f, 88f, 0f, -0f, 1e-30f, -1e-30f, 86.99999f, -86.99999f]);
        float[] common = [.. values], mixed = new float[2 * common.Length];
        for (int i = 0; i < common.Length; i++) { mixed[2 * i] = common[i]; mixed[2 * i + 1] = 200f; }
        float[] yCommon = new float[common.Length], yMixed = new float[mixed.Length];
        VectorMath.Exp<float>(common, yCommon);
        VectorMath.Exp<float>(mixed, yMixed);
        for (int i = 0; i < common.Length; i++)
        {
            Assert.True(float.IsPositiveInfinity(yMixed[2 * i + 1]));
            Assert.True(BitConverter.SingleToInt32Bits(yCommon[i]) == BitConverter.SingleToInt32Bits(yMixed[2 * i]),
                $"exp({common[i]:R}): {yCommon[i]:R} on the common path, {yMixed[2 * i]:R} on the general one");
        }
    }

    [Fact]
    public void Exp_shifted_gives_the_bits_of_subtracting_then_exp_for_every_length_and_special_value()
    {
        // Softmax's one-pass e^(x − max): every length up to 40 (whole vectors, pairs and padded tails), NaN and ±∞
        // among the inputs and as the shift, both dtypes.
        var rng = new Rng(9);
        foreach (double shift in new[] { 0.0, 3.25, -80.0, double.NaN, double.PositiveInfinity })
            for (int n = 1; n <= 40; n++)
            {
                double[] x = new double[n];
                for (int i = 0; i < n; i++) x[i] = rng.Uniform(-100, 100);
                if (n > 5) { x[1] = double.NaN; x[3] = double.NegativeInfinity; x[4] = double.PositiveInfinity; x[5] = -0.0; }
                float[] xf = Array.ConvertAll(x, v => (float)v), yf = new float[n], ef = new float[n];
                VectorMath.ExpShifted<float>(xf, (float)shift, yf);
                for (int i = 0; i < n; i++) ef[i] = xf[i] - (float)shift;
                VectorMath.Exp<float>(ef, ef);
                Assert.Equal(Array.ConvertAll(ef, BitConverter.SingleToInt32Bits), Array.ConvertAll(yf, BitConverter.SingleToInt32Bits));
                double[] yd = new double[n], ed = new double[n];
                VectorMath.ExpShifted<double>(x, shift, yd);
                for (int i = 0; i < n; i++) ed[i] = x[i] - shift;
                VectorMath.Exp<double>(ed, ed);
                Assert.Equal(Array.ConvertAll(ed, BitConverter.DoubleToInt64Bits), Array.ConvertAll(yd, BitConverter.DoubleToInt64Bits));
            }
    }

    [Fact]
    public void Float32_exp_is_within_two_ulps_of_the_exact_value_over_the_whole_range()
    {
        // Every float from the underflow to the overflow threshold in fine steps, dense near 0, and a tail.
        var x = new List<float>();
        for (float v = -87.3f; v <= 88.7f; v += 0.0037f) x.Add(v);
        for (int i = -20000; i <= 20000; i++) x.Add(i * 1e-6f);
        for (int e = -40; e <= 6; e++) { x.Add(MathF.Pow(2, e)); x.Add(-MathF.Pow(2, e)); }
        x.Add(0.5f);
        float[] input = [.. x];
        Assert.NotEqual(0, input.Length % 8);
        var y = new float[input.Length];
        VectorMath.Exp<float>(input, y);
        for (int i = 0; i < input.Length; i++)
            Assert.True(UlpError(y[i], Math.Exp(input[i])) <= 2, $"exp({input[i]:R}) = {y[i]:R}, exact {Math.Exp(input[i]):R}");
    }

    [Fact]
    public void Float32_exp_overflows_underflows_and_keeps_NaN_like_MathF()
    {
        // Beyond 88.72 the result is ∞; below −87.34 it goes through the subnormals to 0 (within one
        // subnormal step of MathF.Exp); NaN stays NaN; in place.
        float[] x = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 88.7f, 88.73f, 89.5f, 1000f,
            -87.5f, -90f, -95f, -100f, -103.9f, -104.5f, -1000f, 0f, -0f];
        float[] input = (float[])x.Clone();
        float[] expected = new float[x.Length];
        for (int i = 0; i < x.Length; i++) expected[i] = MathF.Exp(x[i]);
        VectorMath.Exp<float>(x, x);
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsNaN(expected[i])) Assert.True(float.IsNaN(x[i]), $"exp(NaN) = {x[i]}");
            else if (float.IsInfinity(expected[i]) || expected[i] == 0) Assert.Equal(expected[i], x[i]);
            else if (float.IsSubnormal(expected[i]))
                Assert.True(Math.Abs(BitConverter.SingleToInt32Bits(expected[i]) - BitConverter.SingleToInt32Bits(x[i])) <= 1,
                    $"exp at {i}: {x[i]:R}, MathF {expected[i]:R}");
            else Assert.True(UlpError(x[i], Math.Exp(input[i])) <= 2, $"exp({input[i]:R}) = {x[i]:R}, exact {Math.Exp(input[i]):R}");
        }
    }

    [Fact]
    public void Float64_exp_matches_the_exact_value()
    {
        double[] x = [-700, -3, -0.5, 1e-9, 0.25, 2, 80, 0.1, 600];
        var y = new double[x.Length];
        VectorMath.Exp<double>(x, y);
        for (int i = 0; i < x.Length; i++) Assert.Equal(1, y[i] / Math.Exp(x[i]), 1e-14);
    }

    private static double UlpError(double actual, double exact)
    {
        double ulp = Math.BitIncrement(Math.Abs(exact)) - Math.Abs(exact);
        return Math.Abs(actual - exact) / ulp;
    }

    [Fact]
    public void Float64_exp_and_tanh_are_within_three_ulps_over_the_whole_range()
    {
        // Our own float64 code (the same bits on every SIMD path), against the C runtime's correctly
        // rounded-or-nearly values; a length that leaves a tail.
        var x = new List<double>();
        for (double v = -708; v <= 709.7; v += 0.0731) x.Add(v);
        for (int i = -20000; i <= 20000; i++) x.Add(i * 1.3e-5);
        for (int e = -60; e <= 4; e++) { x.Add(Math.Pow(2, e)); x.Add(-1.37 * Math.Pow(2, e)); }
        double[] input = [.. x, 0.5];
        Assert.NotEqual(0, input.Length % 4);
        var y = new double[input.Length];
        VectorMath.Exp<double>(input, y);
        for (int i = 0; i < input.Length; i++)
            Assert.True(UlpError(y[i], Math.Exp(input[i])) <= 3, $"exp({input[i]:R}) = {y[i]:R}, Math.Exp {Math.Exp(input[i]):R}");
        VectorMath.Tanh<double>(input, y);
        for (int i = 0; i < input.Length; i++)
            Assert.True(UlpError(y[i], Math.Tanh(input[i])) <= 3, $"tanh({input[i]:R}) = {y[i]:R}, Math.Tanh {Math.Tanh(input[i]):R}");
    }

    [Fact]
    public void Float64_exp_tanh_and_sigmoid_handle_special_values()
    {
        double[] x = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 709.8, 1000, -745.2, -746, -1000, 0, -0.0, -740, 25, -25];
        var exp = new double[x.Length];
        var tanh = new double[x.Length];
        var sigmoid = new double[x.Length];
        VectorMath.Exp<double>(x, exp);
        VectorMath.Tanh<double>(x, tanh);
        VectorMath.Sigmoid<double>(x, sigmoid);
        for (int i = 0; i < x.Length; i++)
        {
            double e = Math.Exp(x[i]), t = Math.Tanh(x[i]), s = 1 / (1 + Math.Exp(-x[i]));
            if (double.IsNaN(x[i])) { Assert.True(double.IsNaN(exp[i]) && double.IsNaN(tanh[i]) && double.IsNaN(sigmoid[i])); continue; }
            if (double.IsInfinity(e) || e == 0 || double.IsSubnormal(e))
                Assert.True(Math.Abs(BitConverter.DoubleToInt64Bits(e) - BitConverter.DoubleToInt64Bits(exp[i])) <= 1, $"exp({x[i]}) = {exp[i]:R}, Math.Exp {e:R}");
            else Assert.True(UlpError(exp[i], e) <= 3, $"exp({x[i]}) = {exp[i]:R}");
            Assert.True(t == tanh[i] || UlpError(tanh[i], t) <= 3, $"tanh({x[i]}) = {tanh[i]:R}, Math.Tanh {t:R}");
            Assert.True(s == sigmoid[i] || UlpError(sigmoid[i], s) <= 4, $"sigmoid({x[i]}) = {sigmoid[i]:R}, expected {s:R}");
        }
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(tanh[9]));
    }
}
