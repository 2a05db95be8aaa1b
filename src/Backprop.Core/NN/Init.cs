namespace Backprop.NN;

/// <summary>How <see cref="Linear"/> initialises its weight (and bias).</summary>
public enum InitScheme
{
    /// <summary>PyTorch's nn.Linear default: W and b ~ U(−1/√in, 1/√in) (kaiming_uniform with a = √5).</summary>
    PyTorchDefault,
    /// <summary>Glorot/Xavier uniform: W ~ U(±√(6/(in + out))); bias zero. Suits tanh and sigmoid.</summary>
    XavierUniform,
    /// <summary>Glorot/Xavier normal: W ~ N(0, 2/(in + out)); bias zero.</summary>
    XavierNormal,
    /// <summary>He/Kaiming uniform (fan-in, ReLU gain √2): W ~ U(±√(6/in)); bias zero. Suits ReLU.</summary>
    KaimingUniform,
    /// <summary>He/Kaiming normal (fan-in, ReLU gain √2): W ~ N(0, 2/in); bias zero.</summary>
    KaimingNormal,
}

/// <summary>
/// Seeded in-place initialisers for parameters (PyTorch's <c>nn.init</c>). For a weight of shape
/// [out, in, …], fan-in = in·(product of trailing dims) and fan-out = out·(same); all draws come from
/// the given <see cref="Rng"/> in row-major order, so a seed reproduces the same weights on every machine.
/// </summary>
public static class Init
{
    /// <summary>Fills <paramref name="tensor"/> with draws from U(<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static void Uniform(Tensor tensor, double low, double high, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(rng);
        if (!(low <= high) || !double.IsFinite(low) || !double.IsFinite(high))
            throw new ArgumentException($"Init.Uniform: expected finite bounds low ≤ high, got [{low}, {high}].");
        if (tensor.DType == DType.Float32)
            foreach (ref float x in tensor.AsSpan<float>()) x = (float)rng.Uniform(low, high);
        else
            foreach (ref double x in tensor.AsSpan<double>()) x = rng.Uniform(low, high);
    }

    /// <summary>Fills <paramref name="tensor"/> with draws from N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static void Normal(Tensor tensor, double mean, double std, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(rng);
        if (!(std >= 0) || !double.IsFinite(std) || !double.IsFinite(mean))
            throw new ArgumentException($"Init.Normal: expected a finite mean and a finite std ≥ 0, got mean {mean}, std {std}.");
        if (tensor.DType == DType.Float32)
            foreach (ref float x in tensor.AsSpan<float>()) x = (float)rng.NextGaussian(mean, std);
        else
            foreach (ref double x in tensor.AsSpan<double>()) x = rng.NextGaussian(mean, std);
    }

    /// <summary>Xavier/Glorot uniform: U(±gain·√(6/(fanIn + fanOut))).</summary>
    public static void XavierUniform(Tensor tensor, Rng rng, double gain = 1.0)
    {
        var (fanIn, fanOut) = Fans(tensor, nameof(XavierUniform));
        double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        Uniform(tensor, -bound, bound, rng);
    }

    /// <summary>Xavier/Glorot normal: N(0, (gain·√(2/(fanIn + fanOut)))²).</summary>
    public static void XavierNormal(Tensor tensor, Rng rng, double gain = 1.0)
    {
        var (fanIn, fanOut) = Fans(tensor, nameof(XavierNormal));
        Normal(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), rng);
    }

    /// <summary>He/Kaiming uniform on fan-in: U(±gain·√(3/fanIn)); the default gain √2 is ReLU's.</summary>
    public static void KaimingUniform(Tensor tensor, Rng rng, double gain = 1.4142135623730951)
    {
        var (fanIn, _) = Fans(tensor, nameof(KaimingUniform));
        double bound = gain * Math.Sqrt(3.0 / fanIn);
        Uniform(tensor, -bound, bound, rng);
    }

    /// <summary>He/Kaiming normal on fan-in: N(0, (gain/√fanIn)²); the default gain √2 is ReLU's.</summary>
    public static void KaimingNormal(Tensor tensor, Rng rng, double gain = 1.4142135623730951)
    {
        var (fanIn, _) = Fans(tensor, nameof(KaimingNormal));
        Normal(tensor, 0, gain / Math.Sqrt(fanIn), rng);
    }

    /// <summary>PyTorch's nn.Linear default for a weight [out, in]: U(±1/√in).</summary>
    public static void PyTorchDefault(Tensor tensor, Rng rng)
    {
        var (fanIn, _) = Fans(tensor, nameof(PyTorchDefault));
        double bound = 1.0 / Math.Sqrt(fanIn);
        Uniform(tensor, -bound, bound, rng);
    }

    /// <summary>Initialises a weight by <paramref name="scheme"/>.</summary>
    public static void Apply(InitScheme scheme, Tensor weight, Rng rng)
    {
        switch (scheme)
        {
            case InitScheme.PyTorchDefault: PyTorchDefault(weight, rng); break;
            case InitScheme.XavierUniform: XavierUniform(weight, rng); break;
            case InitScheme.XavierNormal: XavierNormal(weight, rng); break;
            case InitScheme.KaimingUniform: KaimingUniform(weight, rng); break;
            case InitScheme.KaimingNormal: KaimingNormal(weight, rng); break;
            default: throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Init.Apply: unknown InitScheme.");
        }
    }

    /// <summary>(fan-in, fan-out) of a weight [out, in, …] as PyTorch computes them.</summary>
    public static (int FanIn, int FanOut) Fans(Tensor tensor, string op = "Init")
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2)
            throw new ArgumentException($"{op}: fan-in and fan-out need a weight of rank ≥ 2 ([out, in, …]); got shape [{string.Join(", ", tensor.Shape)}].");
        int receptive = 1;
        for (int d = 2; d < tensor.Rank; d++) receptive *= tensor.Shape[d];
        int fanIn = tensor.Shape[1] * receptive, fanOut = tensor.Shape[0] * receptive;
        if (fanIn == 0 || fanOut == 0)
            throw new ArgumentException($"{op}: the weight of shape [{string.Join(", ", tensor.Shape)}] has no elements; cannot compute its fans.");
        return (fanIn, fanOut);
    }
}
