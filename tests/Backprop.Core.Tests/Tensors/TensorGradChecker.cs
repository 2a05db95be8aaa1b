namespace Backprop.Core.Tests.Tensors;

/// <summary>
/// Finite-difference gradient checker for tensor functions (float64, central differences).
/// The (possibly non-scalar) output y = f(x₁, …) is reduced to L = Σ y ⊙ W with a fixed random W, so every
/// output element contributes and Backward(W) exercises the vector–Jacobian product.
/// </summary>
internal static class TensorGradChecker
{
    public const double Rtol = 1e-5, Atol = 1e-7;

    /// <summary>Asserts analytic ∂L/∂xᵢ ≈ (L(x + h) − L(x − h)) / 2h for every element of every input.</summary>
    public static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        foreach (Tensor x in inputs)
        {
            Assert.Equal(DType.Float64, x.DType);
            x.RequiresGrad = true;
            x.Grad = null;
        }
        Tensor y = f(inputs);
        Tensor w = Tensor.Randn([.. y.Shape], 1234, DType.Float64);
        y.Backward(w);

        for (int t = 0; t < inputs.Length; t++)
        {
            Tensor x = inputs[t];
            Assert.True(x.Grad is not null, $"input {t} received no gradient");
            for (int i = 0; i < x.ElementCount; i++)
            {
                double xi = x.GetFlat(i);
                double h = 1e-6 * Math.Max(1.0, Math.Abs(xi));
                x.SetFlat(i, xi + h);
                double plus = Loss(f, inputs, w);
                x.SetFlat(i, xi - h);
                double minus = Loss(f, inputs, w);
                x.SetFlat(i, xi);
                double numeric = (plus - minus) / (2 * h);
                double analytic = x.Grad!.GetFlat(i);
                Assert.True(Math.Abs(analytic - numeric) <= Atol + Rtol * Math.Abs(numeric),
                    $"input {t} {Shape(x)}, element {i}: analytic {analytic:R} vs numeric {numeric:R}");
            }
        }
    }

    private static double Loss(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor w)
    {
        using (new NoGrad())
        {
            double[] y = f(inputs).ToArray(), wv = w.ToArray();
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += y[i] * wv[i];
            return sum;
        }
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.Shape) + "]";

    /// <summary>A 1-D float64 leaf holding <paramref name="values"/> that requires gradients.</summary>
    public static Tensor Leaf(params double[] values)
    {
        Tensor t = Tensor.FromArray(values);
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>A float64 tensor of seeded normal samples (shifted/scaled if asked).</summary>
    public static Tensor Randn(int seed, params int[] shape) => Tensor.Randn(shape, seed, DType.Float64);

    /// <summary>Seeded samples bounded away from 0 (for log, sqrt, abs, relu, division).</summary>
    public static Tensor Positive(int seed, params int[] shape)
    {
        Tensor t = Tensor.Rand(shape, seed, DType.Float64);
        for (int i = 0; i < t.ElementCount; i++) t.SetFlat(i, 0.5 + 1.5 * t.GetFlat(i));
        return t;
    }

    /// <summary>Seeded samples with |x| ≥ 0.2 and random signs (kinks at 0 are avoided).</summary>
    public static Tensor AwayFromZero(int seed, params int[] shape)
    {
        Tensor t = Tensor.Randn(shape, seed, DType.Float64);
        for (int i = 0; i < t.ElementCount; i++)
        {
            double v = t.GetFlat(i);
            t.SetFlat(i, v >= 0 ? v + 0.2 : v - 0.2);
        }
        return t;
    }
}
