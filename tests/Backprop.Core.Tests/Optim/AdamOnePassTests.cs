using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Optim;

namespace Backprop.Core.Tests.Optim;

/// <summary>
/// Adam updates each element in one pass (<c>AdamUpdate</c>); torch.optim.Adam (1.13, for-each off) applies the same
/// operations as separate passes over whole tensors. Both round after every operation, so they must agree bit for bit:
/// here the passes are written out with <see cref="TensorPrimitives"/> and compared with the optimizer's parameters and
/// state after three steps, for lengths around the vector widths, a length that is split between two threads, special
/// values, both dtypes, and every variant (L2 decay, decoupled decay, AMSGrad). NaN payloads are exempt: where two NaNs
/// meet, which one a sum carries depends on the order the JIT gives the operands, so any NaN matches any NaN.
/// </summary>
public class AdamOnePassTests
{
    public static TheoryData<int, double, bool, bool> Cases()
    {
        var data = new TheoryData<int, double, bool, bool>();
        foreach (int n in new[] { 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1000, 140_000 })
        {
            data.Add(n, 0.0, false, false);
            data.Add(n, 0.1, false, true);
            data.Add(n, 0.05, true, false);
            data.Add(n, 0.05, true, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_pass_gives_the_bits_of_separate_passes_float(int n, double weightDecay, bool decoupled, bool amsgrad) =>
        Check<float>(n, weightDecay, decoupled, amsgrad);

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_pass_gives_the_bits_of_separate_passes_double(int n, double weightDecay, bool decoupled, bool amsgrad) =>
        Check<double>(n, weightDecay, decoupled, amsgrad);

    private const double Lr = 0.01, Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8;

    private static void Check<T>(int n, double weightDecay, bool decoupled, bool amsgrad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(n * 31 + (decoupled ? 7 : 0) + (amsgrad ? 3 : 0));
        T[] p = Values<T>(rng, n, special: true);
        DType dtype = typeof(T) == typeof(float) ? DType.Float32 : DType.Float64;
        Tensor parameter = Tensor.FromArray(p.Select(double.CreateTruncating).ToArray(), [n]).To(dtype);
        parameter.RequiresGrad = true;
        Adam adam = decoupled
            ? new AdamW([parameter], Lr, Beta1, Beta2, Eps, weightDecay, amsgrad)
            : new Adam([parameter], Lr, Beta1, Beta2, Eps, weightDecay, amsgrad);
        T[] m = new T[n], v = new T[n], vMax = new T[n];
        for (int t = 1; t <= 3; t++)
        {
            T[] g = Values<T>(rng, n, special: t == 2);
            parameter.Grad = Tensor.FromArray(g.Select(double.CreateTruncating).ToArray(), [n]).To(dtype);
            adam.Step();
            SeparatePasses(p, g, m, v, vMax, t, weightDecay, decoupled, amsgrad);
        }
        AssertBits(p, parameter.AsReadOnlySpan<T>().ToArray(), "p");
        var state = adam.StateBuffers().ToDictionary(e => e.Key, e => e.Slots[0]);
        AssertBits(m, (T[])state["exp_avg"]!, "m");
        AssertBits(v, (T[])state["exp_avg_sq"]!, "v");
        if (amsgrad) AssertBits(vMax, (T[])state["max_exp_avg_sq"]!, "max v");
        else Assert.Null(state["max_exp_avg_sq"]);
    }

    /// <summary>
    /// The job on its own, from a state no run of the optimizer reaches but a loaded checkpoint can hold: a running
    /// maximum that is NaN, infinite or below v, next to finite moments.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(64)]
    public unsafe void One_pass_from_any_state_gives_the_bits_of_separate_passes(int n)
    {
        var rng = new Random(n);
        float[] p = Values<float>(rng, n, special: false), g = Values<float>(rng, n, special: false);
        float[] m = Values<float>(rng, n, special: false), v = Values<float>(rng, n, special: false).Select(Math.Abs).ToArray();
        float[] vMax = v.Select((x, i) => (i % 4) switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => x / 2, _ => x * 2 }).ToArray();
        float[] p2 = (float[])p.Clone(), m2 = (float[])m.Clone(), v2 = (float[])v.Clone(), vMax2 = (float[])vMax.Clone();
        var constants = new AdamConstants<float>
        {
            Beta1 = (float)Beta1, OneMinusBeta1 = (float)(1 - Beta1), Beta2 = (float)Beta2, OneMinusBeta2 = (float)(1 - Beta2),
            SqrtBiasCorrection2 = (float)Math.Sqrt(1 - Adam.Power(Beta2, 1)), Eps = (float)Eps,
            MinusStepSize = (float)-(Lr / (1 - Adam.Power(Beta1, 1))),
        };
        // In two ranges cut inside a vector (as the chunks of a split job may be), AMSGrad by the non-null running maximum.
        int cut = Math.Min(5, n);
        fixed (float* pp = p2, pg = g, pm = m2, pv = v2, px = vMax2)
        {
            var job = new AdamUpdate<float>(constants, pp, pg, pm, pv, px);
            job.Run(0, cut);
            job.Run(cut, n);
        }
        SeparatePasses(p, g, m, v, vMax, 1, 0, decoupled: false, amsgrad: true);
        AssertBits(p, p2, "p");
        AssertBits(m, m2, "m");
        AssertBits(v, v2, "v");
        AssertBits(vMax, vMax2, "max v");
        Assert.True(float.IsNaN(vMax2[0]), "a NaN running maximum stays NaN");
    }

    /// <summary>PyTorch 1.13's _single_tensor_adam, one whole-array operation at a time.</summary>
    private static void SeparatePasses<T>(T[] p, T[] grad, T[] m, T[] v, T[] vMax, int t, double weightDecay, bool decoupled, bool amsgrad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        static T C(double x) => T.CreateTruncating(x);
        int n = p.Length;
        T[] g = (T[])grad.Clone(), s = new T[n];
        if (decoupled) TensorPrimitives.Multiply(p, C(1 - Lr * weightDecay), p);
        else if (weightDecay != 0) TensorPrimitives.MultiplyAdd(p, C(weightDecay), grad, g);
        TensorPrimitives.Multiply(m, C(Beta1), m);
        TensorPrimitives.MultiplyAdd(g, C(1 - Beta1), m, m);
        TensorPrimitives.Multiply(v, C(Beta2), v);
        TensorPrimitives.Multiply(g, g, s);
        TensorPrimitives.MultiplyAdd(s, C(1 - Beta2), v, v);
        T[] second = v;
        if (amsgrad)
        {
            TensorPrimitives.Max(vMax, v, vMax);
            second = vMax;
        }
        TensorPrimitives.Sqrt(second, s);
        TensorPrimitives.Divide(s, C(Math.Sqrt(1 - Adam.Power(Beta2, t))), s);
        TensorPrimitives.Add(s, C(Eps), s);
        TensorPrimitives.Divide(m, s, s);
        TensorPrimitives.MultiplyAdd(s, C(-(Lr / (1 - Adam.Power(Beta1, t)))), p, p);
    }

    /// <summary>Normal values of mixed magnitude; with <paramref name="special"/>, also zeros of both signs, subnormals,
    /// infinities and NaN in a few places.</summary>
    private static T[] Values<T>(Random rng, int n, bool special) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = new T[n];
        for (int i = 0; i < n; i++) x[i] = T.CreateTruncating((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-6, 3)));
        if (!special) return x;
        T[] odd = [T.Zero, T.NegativeZero, T.Epsilon, -T.Epsilon, T.PositiveInfinity, T.NegativeInfinity, T.NaN, T.CreateTruncating(1e30)];
        for (int j = 0; j < odd.Length && j < n; j++) x[rng.Next(n)] = odd[j];
        return x;
    }

    private static void AssertBits<T>(T[] expected, T[] actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = typeof(T) == typeof(float)
                ? BitConverter.SingleToInt32Bits(float.CreateTruncating(expected[i])) == BitConverter.SingleToInt32Bits(float.CreateTruncating(actual[i]))
                : BitConverter.DoubleToInt64Bits(double.CreateTruncating(expected[i])) == BitConverter.DoubleToInt64Bits(double.CreateTruncating(actual[i]));
            Assert.True(same || (T.IsNaN(expected[i]) && T.IsNaN(actual[i])), $"{what}[{i}] of {expected.Length}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
