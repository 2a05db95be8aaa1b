using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Kernels;

namespace Backprop.Core.Tests.Kernels;

/// <summary><see cref="SpanMax.Of{T}(ReadOnlySpan{T})"/> returns exactly what <see cref="TensorPrimitives.Max{T}(ReadOnlySpan{T})"/>
/// does (bit for bit, NaN payloads included), for every length around the vector widths and the values where the hardware's
/// max instruction and the IEEE rule differ: NaN anywhere, and zeros of both signs as the maximum.</summary>
public class SpanMaxTests
{
    [Fact]
    public void Float32_agrees_with_TensorPrimitives_bit_for_bit() => Check<float>();

    [Fact]
    public void Float64_agrees_with_TensorPrimitives_bit_for_bit() => Check<double>();

    private static void Check<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(7);
        int cases = 0;
        for (int n = 1; n <= 200; n += n < 80 ? 1 : 9)
        {
            foreach (string kind in new[] { "mixed", "negative", "zeros", "nan", "infinities", "max is -0", "max is +0 among -0" })
            {
                T[] x = new T[n];
                for (int i = 0; i < n; i++) x[i] = T.CreateTruncating((rng.NextDouble() - (kind == "mixed" ? 0.5 : 1.5)) * Math.Pow(10, rng.Next(-3, 4)));
                int at = rng.Next(n);
                switch (kind)
                {
                    case "zeros": x[at] = T.NegativeZero; x[rng.Next(n)] = T.Zero; break;
                    case "nan": x[at] = T.NaN; if (n > 3) x[rng.Next(n)] = -T.NaN; break;
                    case "infinities": x[at] = T.PositiveInfinity; x[rng.Next(n)] = T.NegativeInfinity; break;
                    case "max is -0": for (int i = 0; i < n; i++) x[i] = -T.Abs(x[i]); x[at] = T.NegativeZero; break;
                    case "max is +0 among -0": for (int i = 0; i < n; i++) x[i] = -T.Abs(x[i]); x[at] = T.NegativeZero; x[rng.Next(n)] = T.Zero; break;
                }
                T expected = TensorPrimitives.Max<T>(x), actual = SpanMax.Of<T>(x);
                Assert.True(Bits(expected) == Bits(actual), $"{kind}, n = {n}: TensorPrimitives {expected}, SpanMax {actual}");
                cases++;
            }
        }
        Assert.True(cases > 500);
        Assert.Throws<ArgumentException>(() => SpanMax.Of<T>([]));
    }

    private static long Bits<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? BitConverter.SingleToInt32Bits(float.CreateTruncating(x)) : BitConverter.DoubleToInt64Bits(double.CreateTruncating(x));
}
