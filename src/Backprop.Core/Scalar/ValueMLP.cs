namespace Backprop.Scalar;

/// <summary>
/// A multi-layer perceptron of scalar <see cref="Value"/>s (note 003): output = Lₖ(…L₂(L₁(x))), every weight a
/// node of the graph. Its sizes are given as <see cref="NN.MLP.Create"/> takes them (inputs, hidden sizes, outputs).
/// Seeded: the same arguments give the same weights on every machine.
/// </summary>
[Formatting.TypeFormatterSource(typeof(Formatting.NotebookFormatterSource))]
public sealed class ValueMLP : ScalarModule
{
    private readonly Value[] _parameters;

    /// <summary>Creates an MLP inputs → hiddenSizes… → outputs, e.g. <c>new ValueMLP(2, [16, 16], 1)</c> for a
    /// 2-16-16-1 network.</summary>
    /// <param name="inputs">Number of inputs.</param>
    /// <param name="hiddenSizes">Neurons of each hidden layer (may be empty: a single layer).</param>
    /// <param name="outputs">Number of outputs (neurons of the last layer).</param>
    /// <param name="activation">Activation of the hidden layers.</param>
    /// <param name="outputActivation">Activation of the output layer.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    public ValueMLP(int inputs, IReadOnlyList<int> hiddenSizes, int outputs, Activation activation = Activation.ReLU,
        Activation outputActivation = Activation.Identity, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        if (inputs <= 0) throw new ArgumentException($"ValueMLP: expected at least one input, got {inputs}.", nameof(inputs));
        var rng = new Rng(seed);
        Layers = new Layer[hiddenSizes.Count + 1];
        int fanIn = inputs;
        for (int l = 0; l < Layers.Length; l++)
        {
            bool last = l == Layers.Length - 1;
            int width = last ? outputs : hiddenSizes[l];
            Layers[l] = new Layer(fanIn, width, last ? outputActivation : activation, rng, $"L{l + 1}");
            fanIn = width;
        }
        _parameters = Layers.SelectMany(layer => layer.Parameters()).ToArray();
    }

    /// <summary>The layers, first to last.</summary>
    public Layer[] Layers { get; }

    /// <summary>Number of inputs.</summary>
    public int InputCount => Layers[0].InputCount;

    /// <summary>Number of outputs.</summary>
    public int OutputCount => Layers[^1].OutputCount;

    /// <summary>The outputs for input values (whose gradients backprop will also fill).</summary>
    public Value[] Forward(IReadOnlyList<Value> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckInputCount("ValueMLP", InputCount, x.Count);
        IReadOnlyList<Value> a = x;
        foreach (Layer layer in Layers) a = layer.Forward(a);
        return (Value[])a;
    }

    /// <summary>The outputs for plain numbers (wrapped as input leaves x0, x1, …).</summary>
    public Value[] Forward(params double[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var inputs = new Value[x.Length];
        for (int i = 0; i < x.Length; i++) inputs[i] = new Value(x[i], InputLabel(i));
        return Forward(inputs);
    }

    // "x0", "x1", …: made once for the usual small input counts, not per sample.
    private static readonly string[] s_inputLabels = [.. Enumerable.Range(0, 16).Select(i => $"x{i}")];

    private static string InputLabel(int i) => i < s_inputLabels.Length ? s_inputLabels[i] : $"x{i}";

    /// <summary>The single output of a one-output network.</summary>
    public Value Predict(params double[] x)
    {
        if (OutputCount != 1)
            throw new InvalidOperationException($"ValueMLP.Predict: expected a network with one output, this one has {OutputCount}; use Forward.");
        return Forward(x)[0];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Value> Parameters() => _parameters;

    /// <summary>e.g. "ValueMLP(2 → 16 → 16 → 1; 337 parameters)".</summary>
    public override string ToString() =>
        $"ValueMLP({InputCount} → {string.Join(" → ", Layers.Select(l => l.OutputCount))}; {_parameters.Length} parameters)";
}
