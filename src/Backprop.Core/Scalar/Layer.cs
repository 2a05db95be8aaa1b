namespace Backprop.Scalar;

/// <summary>A layer (note 003): several neurons reading the same inputs.</summary>
public sealed class Layer : ScalarModule
{
    private readonly Value[] _parameters;

    /// <summary>Creates <paramref name="outputs"/> neurons of <paramref name="inputs"/> inputs each.</summary>
    /// <param name="inputs">Inputs per neuron.</param>
    /// <param name="outputs">Number of neurons.</param>
    /// <param name="activation">Activation of every neuron.</param>
    /// <param name="rng">Source of the initial weights.</param>
    /// <param name="name">Label prefix, e.g. "L1" gives neurons "L1.N0", "L1.N1", ….</param>
    public Layer(int inputs, int outputs, Activation activation, Rng rng, string name = "L")
    {
        if (outputs <= 0) throw new ArgumentException($"Layer: expected at least one neuron, got {outputs}.", nameof(outputs));
        Name = name;
        Neurons = new Neuron[outputs];
        for (int j = 0; j < outputs; j++) Neurons[j] = new Neuron(inputs, activation, rng, $"{name}.N{j}");
        _parameters = Neurons.SelectMany(n => n.Parameters()).ToArray();
    }

    /// <summary>The layer's name (label prefix).</summary>
    public string Name { get; }

    /// <summary>The neurons.</summary>
    public Neuron[] Neurons { get; }

    /// <summary>Inputs per neuron.</summary>
    public int InputCount => Neurons[0].Weights.Length;

    /// <summary>Number of neurons.</summary>
    public int OutputCount => Neurons.Length;

    /// <summary>Every neuron's activation for input <paramref name="x"/>.</summary>
    public Value[] Forward(IReadOnlyList<Value> x)
    {
        var outputs = new Value[Neurons.Length];
        for (int j = 0; j < Neurons.Length; j++) outputs[j] = Neurons[j].Forward(x);
        return outputs;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Value> Parameters() => _parameters;

    /// <summary>e.g. "Layer(2 → 16, ReLU)".</summary>
    public override string ToString() => $"Layer({InputCount} → {OutputCount}, {Neurons[0].Activation})";
}
