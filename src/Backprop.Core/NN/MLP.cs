namespace Backprop.NN;

/// <summary>Builds multi-layer perceptrons as a <see cref="Sequential"/> of <see cref="Linear"/> layers and activations.</summary>
public static class MLP
{
    /// <summary>
    /// A network inputs → hiddenSizes… → outputs: Linear, activation, Linear, activation, …, Linear (no
    /// activation after the last layer: it produces logits / raw outputs for the loss). E.g.
    /// <c>MLP.Create(2, [16, 16], 2)</c> is Sequential(Linear(2,16), ReLU, Linear(16,16), ReLU, Linear(16,2)),
    /// with parameters "0.Weight", "0.Bias", "2.Weight", …, "4.Bias".
    /// </summary>
    /// <param name="inputs">Features per sample.</param>
    /// <param name="hiddenSizes">Neurons of each hidden layer (may be empty: a single Linear).</param>
    /// <param name="outputs">Outputs per sample.</param>
    /// <param name="activation">The hidden activation (ReLU by default; Identity gives a purely linear stack).</param>
    /// <param name="seed">Seed of the initial weights (one stream, layer by layer, weight then bias).</param>
    /// <param name="dtype">Element type of the parameters.</param>
    /// <param name="init">Weight initialisation.</param>
    /// <param name="fuseActivations">Fuse each hidden activation into its Linear layer's node (faster: one
    /// node and one pass less per layer); the children are then all Linear layers, named "0", "1", "2", ….</param>
    public static Sequential Create(int inputs, IReadOnlyList<int> hiddenSizes, int outputs,
        Activation activation = Activation.ReLU, int seed = 0, DType dtype = DType.Float32,
        InitScheme init = InitScheme.PyTorchDefault, bool fuseActivations = false)
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        var rng = new Rng(seed);
        var modules = new List<Module>();
        int fanIn = inputs;
        foreach (int width in hiddenSizes)
        {
            if (fuseActivations)
            {
                modules.Add(new Linear(fanIn, width, rng, true, init, dtype, activation));
            }
            else
            {
                modules.Add(new Linear(fanIn, width, rng, true, init, dtype));
                Module? act = CreateActivation(activation);
                if (act is not null) modules.Add(act);
            }
            fanIn = width;
        }
        modules.Add(new Linear(fanIn, outputs, rng, true, init, dtype));
        return new Sequential([.. modules]);
    }

    /// <summary>The module for an <see cref="Activation"/>, or null for <see cref="Activation.Identity"/>.</summary>
    public static Module? CreateActivation(Activation activation) => activation switch
    {
        Activation.Identity => null,
        Activation.ReLU => new ReLU(),
        Activation.Tanh => new Tanh(),
        Activation.Sigmoid => new Sigmoid(),
        Activation.Softmax => new Softmax(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "MLP: unknown Activation."),
    };
}
