using Backprop.Kernels;

namespace Backprop.Core.Tests.Kernels;

/// <summary><see cref="FixedOrder.Sum{T}(ReadOnlySpan{T})"/> on this process's SIMD path against its definition written
/// out in scalars (DeterminismTests runs the other paths).</summary>
public class FixedOrderTests
{
    [Fact]
    public void Sum_FollowsTheDefinedOrder_ForEveryLength()
    {
        var rng = new Rng(3);
        for (int n = 0; n < 300; n += n < 40 ? 1 : 7)
        {
            float[] f = Enumerable.Range(0, n).Select(_ => (float)(rng.NextGaussian() * Math.Exp(8 * rng.NextDouble()))).ToArray();
            double[] d = Enumerable.Range(0, n).Select(_ => rng.NextGaussian() * Math.Exp(30 * rng.NextDouble())).ToArray();
            Assert.Equal(BitConverter.SingleToInt32Bits(Definition(f, 16)), BitConverter.SingleToInt32Bits(FixedOrder.Sum<float>(f)));
            Assert.Equal(BitConverter.DoubleToInt64Bits(Definition(d, 8)), BitConverter.DoubleToInt64Bits(FixedOrder.Sum<double>(d)));
        }
    }

    /// <summary>Lane l sums the elements i ≡ l (mod lanes) of the whole blocks in order; lane l += lane l + half while
    /// halving; then the tail in order.</summary>
    private static T Definition<T>(T[] x, int lanes) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        var partial = Enumerable.Repeat(T.Zero, lanes).ToArray();
        int blocks = x.Length / lanes * lanes;
        for (int i = 0; i < blocks; i++) partial[i % lanes] += x[i];
        for (int half = lanes / 2; half >= 1; half /= 2)
            for (int l = 0; l < half; l++) partial[l] += partial[l + half];
        T sum = partial[0];
        for (int i = blocks; i < x.Length; i++) sum += x[i];
        return sum;
    }
}
