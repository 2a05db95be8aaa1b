using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Kernels;

namespace Backprop.Core.Tests.Kernels;

/// <summary><see cref="SoftmaxRows"/> against the five-pass form it replaces (max, subtract, exp, fixed-order sum,
/// divide or subtract the log), bit for bit, for every row length across the block and vector tails, both dtypes
/// and both forms; and Tensor.Softmax through the hook against the same reference.</summary>
public class SoftmaxRowsTests
{
    public static TheoryData<bool> Forms => new() { false, true };

    [Theory]
    [MemberData(nameof(Forms))]
    public void Row_MatchesTheFivePassForm_BitForBit(bool log)
    {
        if (Unsupported()) return;
        var rng = new Rng(11);
        foreach (int n in Lengths())
        {
            float[] f = Values(rng, n, 30).Select(v => (float)v).ToArray();
            double[] d = Values(rng, n, 700);
            AssertRow(f, log);
            AssertRow(d, log);
        }
    }

    [Fact]
    public void Row_KeepsNaNAndInfinity_AsTheFivePassForm()
    {
        if (Unsupported()) return;
        float[] withNaN = [1f, float.NaN, 3f, 0f, -2f, 5f, 1f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f];
        float[] withInf = [1f, float.PositiveInfinity, 3f, float.NegativeInfinity, -2f, 5f, 1f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f];
        float[] allNegInf = Enumerable.Repeat(float.NegativeInfinity, 19).ToArray();
        foreach (float[] row in new[] { withNaN, withInf, allNegInf })
            foreach (bool log in new[] { false, true }) AssertRow(row, log);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void TensorSoftmax_OnContiguousRows_MatchesTheFivePassForm(bool log)
    {
        var rng = new Rng(12);
        foreach ((int rows, int cols) in new[] { (1, 1), (3, 17), (16, 1000), (5, 33), (700, 301) })   // the last splits in halves
        {
            double[] values = Values(rng, rows * cols, 50);
            var x32 = Tensor.FromArray(values.Select(v => (float)v).ToArray(), rows, cols);
            var x64 = Tensor.FromArray(values, rows, cols);
            float[] y32 = (log ? x32.LogSoftmax() : x32.Softmax()).ToFloatArray();
            double[] y64 = (log ? x64.LogSoftmax() : x64.Softmax()).ToArray();
            float[] f = x32.ToFloatArray();
            for (int r = 0; r < rows; r++)
            {
                Assert.Equal(Bits(Reference(f.AsSpan(r * cols, cols), log)), Bits(y32.AsSpan(r * cols, cols).ToArray()));
                Assert.Equal(Bits(Reference(values.AsSpan(r * cols, cols), log)), Bits(y64.AsSpan(r * cols, cols).ToArray()));
            }
        }
    }

    [Fact]
    public void Row_RefusesMismatchedLengths_NamingTheOp()
    {
        if (Unsupported()) return;
        var e = Assert.Throws<ArgumentException>(() => SoftmaxRows.Row<float>(new float[4], new float[3], log: false));
        Assert.Contains("Softmax rows", e.Message);
        Assert.Contains("4", e.Message);
    }

    /// <summary>Where Vector&lt;T&gt; is not 256 bits, the fused form refuses to run (Tensor.Softmax runs the five
    /// passes itself there).</summary>
    private static bool Unsupported()
    {
        if (SoftmaxRows.Supported) return false;
        Assert.Throws<PlatformNotSupportedException>(() => SoftmaxRows.Row<float>(new float[1], new float[1], log: false));
        return true;
    }

    private static IEnumerable<int> Lengths()
    {
        for (int n = 1; n <= 70; n++) yield return n;
        foreach (int n in new[] { 127, 128, 129, 1000, 1023, 4099 }) yield return n;
    }

    private static double[] Values(Rng rng, int n, double scale) =>
        Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 2 - 1) * scale).ToArray();

    private static void AssertRow<T>(T[] x, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = new T[x.Length];
        SoftmaxRows.Row<T>(x, y, log);
        Assert.Equal(Bits(Reference<T>(x, log)), Bits(y));
    }

    /// <summary>The five passes Tensor.Softmax ran before the fused rows.</summary>
    private static T[] Reference<T>(ReadOnlySpan<T> x, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = new T[x.Length];
        TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), y);
        var e = new T[x.Length];
        VectorMath.Exp<T>(y, e);
        T sum = FixedOrder.Sum<T>(e);
        if (log) TensorPrimitives.Subtract(y, T.Log(sum), y);
        else TensorPrimitives.Divide(e, sum, y);
        return y;
    }

    private static long[] Bits<T>(T[] v) where T : unmanaged =>
        v.Select(x => typeof(T) == typeof(float) ? BitConverter.SingleToInt32Bits((float)(object)x) : BitConverter.DoubleToInt64Bits((double)(object)x)).ToArray();
}
