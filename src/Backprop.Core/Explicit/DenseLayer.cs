namespace Backprop.Explicit;

/// <summary>
/// One dense layer l: zˡ = Wˡaˡ⁻¹ + bˡ, aˡ = f(zˡ). <see cref="Weights"/> is out×in, so
/// <c>Weights[j, i]</c> is the notes' w_ij, the weight from input i to neuron j.
/// </summary>
public sealed class DenseLayer
{
    /// <summary>Creates a layer from given numbers (copied), e.g. typed from a note.</summary>
    /// <param name="weights">Wˡ, out×in.</param>
    /// <param name="bias">bˡ, one per output.</param>
    /// <param name="activation">f.</param>
    public DenseLayer(double[,] weights, double[] bias, Activation activation)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        if (weights.GetLength(0) == 0 || weights.GetLength(1) == 0)
            throw new ArgumentException($"DenseLayer: expected a non-empty weight matrix, got {weights.GetLength(0)}×{weights.GetLength(1)}.", nameof(weights));
        if (bias.Length != weights.GetLength(0))
            throw new ArgumentException(
                $"DenseLayer: the weights are {weights.GetLength(0)}×{weights.GetLength(1)} (out×in), so expected {weights.GetLength(0)} biases, got {bias.Length}.", nameof(bias));
        if (!Enum.IsDefined(activation))
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "DenseLayer: unknown activation.");
        Weights = DenseMath.Copy(weights);
        Bias = (double[])bias.Clone();
        Activation = activation;
    }

    /// <summary>Creates a layer with weights and biases uniform in [−1/√in, 1/√in] (PyTorch's default),
    /// drawn neuron by neuron — its in weights, then its bias — as <see cref="Scalar.Neuron"/> does, so that a
    /// <see cref="DenseNetwork"/> and a <see cref="Scalar.ValueMLP"/> built from the same seed hold the same numbers.</summary>
    /// <param name="inputs">in.</param>
    /// <param name="outputs">out.</param>
    /// <param name="activation">f.</param>
    /// <param name="rng">The source of the numbers.</param>
    public DenseLayer(int inputs, int outputs, Activation activation, Rng rng)
        : this(RandomWeights(inputs, outputs, rng, out double[] bias), bias, activation)
    {
    }

    private static double[,] RandomWeights(int inputs, int outputs, Rng rng, out double[] bias)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (inputs < 1 || outputs < 1)
            throw new ArgumentException($"DenseLayer: expected at least one input and one output, got {inputs} → {outputs}.");
        double bound = 1.0 / Math.Sqrt(inputs);
        var w = new double[outputs, inputs];
        bias = new double[outputs];
        for (int j = 0; j < outputs; j++)
        {
            for (int i = 0; i < inputs; i++) w[j, i] = rng.Uniform(-bound, bound);
            bias[j] = rng.Uniform(-bound, bound);
        }
        return w;
    }

    /// <summary>Wˡ (out×in); <c>Weights[j, i]</c> = w_ij. Updated in place by SGD.</summary>
    public double[,] Weights { get; }

    /// <summary>bˡ. Updated in place by SGD.</summary>
    public double[] Bias { get; }

    /// <summary>f.</summary>
    public Activation Activation { get; }

    /// <summary>Number of inputs (the width of aˡ⁻¹).</summary>
    public int InputCount => Weights.GetLength(1);

    /// <summary>Number of neurons (the width of aˡ).</summary>
    public int OutputCount => Weights.GetLength(0);

    /// <summary>A deep copy.</summary>
    public DenseLayer Clone() => new(Weights, Bias, Activation);

    /// <summary>e.g. "Dense(2 → 3, Sigmoid)".</summary>
    public override string ToString() => $"Dense({InputCount} → {OutputCount}, {Activation})";
}
