namespace Backprop.Scalar;

/// <summary>
/// One neuron (note 003): a = f(z) with preactivation z = w₁x₁ + … + wₙxₙ + b.
/// Weights and bias start uniform in [−1/√n, 1/√n], PyTorch's default for a dense layer.
/// </summary>
public sealed class Neuron : ScalarModule
{
    private readonly Value[] _parameters;

    /// <summary>Creates a neuron with <paramref name="inputs"/> weights drawn from <paramref name="rng"/>.</summary>
    /// <param name="inputs">n, the number of inputs.</param>
    /// <param name="activation">f.</param>
    /// <param name="rng">Source of the initial weights (seeded: same seed, same weights).</param>
    /// <param name="name">Prefix for parameter labels, e.g. "L1.N0" gives "L1.N0.w0" … "L1.N0.b".</param>
    public Neuron(int inputs, Activation activation, Rng rng, string name = "N")
    {
        if (inputs <= 0) throw new ArgumentException($"Neuron: expected at least one input, got {inputs}.", nameof(inputs));
        ArgumentNullException.ThrowIfNull(rng);
        if (activation == Activation.Softmax || !Enum.IsDefined(activation))
            throw new ArgumentOutOfRangeException(nameof(activation), activation,
                $"Neuron: expected an elementwise activation (Identity, ReLU, Tanh or Sigmoid), got {activation}; Softmax needs the whole layer.");
        Activation = activation;
        Name = name;
        double bound = 1.0 / Math.Sqrt(inputs);
        Weights = new Value[inputs];
        for (int i = 0; i < inputs; i++) Weights[i] = Value.Parameter(rng.Uniform(-bound, bound), $"{name}.w{i}");
        Bias = Value.Parameter(rng.Uniform(-bound, bound), $"{name}.b");
        _parameters = [.. Weights, Bias];
    }

    /// <summary>The label prefix of this neuron's parameters.</summary>
    public string Name { get; }

    /// <summary>w₁ … wₙ.</summary>
    public Value[] Weights { get; }

    /// <summary>b.</summary>
    public Value Bias { get; }

    /// <summary>f.</summary>
    public Activation Activation { get; }

    /// <summary>z = Σ wᵢxᵢ + b, as one sum node over the products.</summary>
    public Value Preactivation(IReadOnlyList<Value> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Value[] w = Weights;
        if (x.Count != w.Length) CheckInputCount($"Neuron {Name}", w.Length, x.Count);
        var terms = new Value[w.Length + 1];
        if (x is Value[] xs)
            for (int i = 0; i < w.Length; i++) terms[i] = w[i] * xs[i];
        else
            for (int i = 0; i < w.Length; i++) terms[i] = w[i] * x[i];
        terms[^1] = Bias;
        return Value.SumOf(terms); // the sum node owns terms
    }

    /// <summary>a = f(z).</summary>
    public Value Forward(IReadOnlyList<Value> x) => Activation.Apply(Preactivation(x));

    /// <inheritdoc/>
    public override IReadOnlyList<Value> Parameters() => _parameters;

    /// <summary>e.g. "Neuron(2 inputs, ReLU)".</summary>
    public override string ToString() => $"Neuron({Weights.Length} inputs, {Activation})";
}
