namespace Backprop.Core.Tests.NN;

/// <summary>
/// Float64 central-difference gradient checks for tensor functions: compares the gradients that
/// <c>Backward(seed)</c> puts on each input with (f(x + h) − f(x − h))/2h of the seed-weighted output ⟨seed, f(x)⟩.
/// </summary>
internal static class FiniteDifferences
{
    /// <summary>Checks every element of every input that requires gradients.</summary>
    /// <param name="f">The function; called once recording the graph, then under NoGrad for each perturbation.</param>
    /// <param name="inputs">Float64 leaves; those with RequiresGrad are checked.</param>
    /// <param name="seedSeed">Seed of the random output weights (ignored when the output is a scalar: weight 1).</param>
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double h = 1e-6, double rtol = 1e-6, double atol = 1e-8, int seedSeed = 7)
    {
        foreach (Tensor x in inputs)
        {
            Assert.Equal(DType.Float64, x.DType);
            x.Grad = null;
        }
        Tensor output = f(inputs);
        Tensor seed = output.ElementCount == 1
            ? Tensor.Ones([.. output.Shape], DType.Float64)
            : Tensor.Randn([.. output.Shape], seedSeed, DType.Float64);
        output.Backward(seed);
        double[] w = seed.ToArray();

        double Weighted()
        {
            using var _ = new NoGrad();
            double[] y = f(inputs).ToArray();
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += w[i] * y[i];
            return s;
        }

        for (int k = 0; k < inputs.Length; k++)
        {
            Tensor x = inputs[k];
            if (!x.RequiresGrad) continue;
            Assert.NotNull(x.Grad);
            double[] analytic = x.Grad!.ToArray();
            for (int i = 0; i < x.ElementCount; i++)
            {
                double original = x.GetFlat(i);
                x.SetFlat(i, original + h);
                double plus = Weighted();
                x.SetFlat(i, original - h);
                double minus = Weighted();
                x.SetFlat(i, original);
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(analytic[i] - numeric) <= atol + rtol * Math.Abs(numeric),
                    $"input {k} element {i}: analytic {analytic[i]:R}, numeric {numeric:R}");
            }
        }
    }

    /// <summary>A float64 leaf with seeded normal entries (scaled) that requires gradients.</summary>
    public static Tensor Param(int seed, double scale, params int[] shape)
    {
        Tensor t = Tensor.Randn(shape, seed, DType.Float64) * scale;
        t = t.Detach();
        t.RequiresGrad = true;
        return t;
    }
}
