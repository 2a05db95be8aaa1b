namespace Backprop.Scalar;

/// <summary>
/// A multi-layer perceptron of scalar <see cref="Value"/>s (note 003): output = Lₖ(…L₂(L₁(x))).
/// Seeded: the same arguments give the same weights on every machine.
/// </summary>
[Notebook.TypeFormatterSource(typeof(Notebook.NotebookFormatterSource))]
public sealed class MLP : ScalarModule
{
    private readonly Value[] _parameters;

    /// <summary>Creates an MLP, e.g. <c>new MLP(2, [16, 16, 1])</c> for a 2-16-16-1 network.</summary>
    /// <param name="inputs">Number of inputs.</param>
    /// <param name="layerSizes">Neurons per layer, the last being the number of outputs.</param>
    /// <param name="hidden">Activation of the hidden layers.</param>
    /// <param name="output">Activation of the output layer.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    public MLP(int inputs, IReadOnlyList<int> layerSizes, Activation hidden = Activation.Relu,
        Activation output = Activation.Linear, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        if (layerSizes.Count == 0) throw new ArgumentException("MLP: expected at least one layer size.", nameof(layerSizes));
        if (inputs <= 0) throw new ArgumentException($"MLP: expected at least one input, got {inputs}.", nameof(inputs));
        var rng = new Rng(seed);
        Layers = new Layer[layerSizes.Count];
        int fanIn = inputs;
        for (int l = 0; l < layerSizes.Count; l++)
        {
            Activation act = l == layerSizes.Count - 1 ? output : hidden;
            Layers[l] = new Layer(fanIn, layerSizes[l], act, rng, $"L{l + 1}");
            fanIn = layerSizes[l];
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
        CheckInputCount("MLP", InputCount, x.Count);
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
            throw new InvalidOperationException($"MLP.Predict: expected a network with one output, this one has {OutputCount}; use Forward.");
        return Forward(x)[0];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Value> Parameters() => _parameters;

    /// <summary>e.g. "MLP(2 → 16 → 16 → 1; 337 parameters)".</summary>
    public override string ToString() =>
        $"MLP({InputCount} → {string.Join(" → ", Layers.Select(l => l.OutputCount))}; {_parameters.Length} parameters)";
}
