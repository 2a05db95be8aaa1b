using Backprop.Scalar;

namespace Backprop.Explicit;

/// <summary>
/// The same network as a <see cref="DenseNetwork"/>, built from scalar autograd <see cref="Value"/>s:
/// every weight wˡ_ij is a parameter labelled "W{l}[j,i]", every bias "b{l}[j]". Backprop through its graph
/// must give the same numbers as the δ equations — which is how tests and notebooks compare the two.
/// </summary>
public sealed class ValueDenseNetwork
{
    private readonly Value[] _parameters;

    /// <summary>Copies the current weights of <paramref name="network"/> into Value parameters.</summary>
    public ValueDenseNetwork(DenseNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        Loss = network.Loss;
        int L = network.Layers.Count;
        var weights = new Value[L][,];
        var biases = new Value[L][];
        var functions = new Activation[L];
        var parameters = new List<Value>();
        for (int l = 0; l < L; l++)
        {
            DenseLayer layer = network.Layers[l];
            weights[l] = new Value[layer.OutputCount, layer.InputCount];
            biases[l] = new Value[layer.OutputCount];
            functions[l] = layer.Activation;
            for (int j = 0; j < layer.OutputCount; j++)
            {
                for (int i = 0; i < layer.InputCount; i++)
                    parameters.Add(weights[l][j, i] = Value.Parameter(layer.Weights[j, i], $"W{l + 1}[{j},{i}]"));
                parameters.Add(biases[l][j] = Value.Parameter(layer.Bias[j], $"b{l + 1}[{j}]"));
            }
        }
        Weights = weights;
        Biases = biases;
        Functions = functions;
        _parameters = [.. parameters];
    }

    /// <summary>Wˡ as values, layer 1 first (<c>Weights[l][j, i]</c> is layer l+1's w_ij).</summary>
    public IReadOnlyList<Value[,]> Weights { get; }

    /// <summary>bˡ as values, layer 1 first.</summary>
    public IReadOnlyList<Value[]> Biases { get; }

    /// <summary>f of each layer.</summary>
    public IReadOnlyList<Activation> Functions { get; }

    /// <summary>L.</summary>
    public LossFunction Loss { get; }

    /// <summary>Every weight and bias, layer by layer, neuron by neuron (weights then bias).</summary>
    public IReadOnlyList<Value> Parameters() => _parameters;

    /// <summary>The forward graph: per layer the preactivation values zˡ and activation values aˡ.</summary>
    /// <param name="x">Input values (leaves, so that ∂L/∂x is filled in too).</param>
    public (Value[][] Preactivations, Value[][] Activations) Forward(IReadOnlyList<Value> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count != Weights[0].GetLength(1))
            throw new ArgumentException($"ValueDenseNetwork.Forward: expected {Weights[0].GetLength(1)} inputs, got {x.Count}.", nameof(x));
        int L = Weights.Count;
        var zs = new Value[L][];
        var activations = new Value[L][];
        IReadOnlyList<Value> a = x;
        for (int l = 0; l < L; l++)
        {
            Value[,] w = Weights[l];
            var z = new Value[w.GetLength(0)];
            for (int j = 0; j < z.Length; j++)
            {
                var terms = new Value[w.GetLength(1) + 1];
                for (int i = 0; i < a.Count; i++) terms[i] = w[j, i] * a[i];
                terms[^1] = Biases[l][j];
                z[j] = Value.Sum(terms);                              // zⱼ = Σᵢ w_ij aᵢ + bⱼ
            }
            zs[l] = z;
            activations[l] = Activate(Functions[l], z);
            a = activations[l];
        }
        return (zs, activations);
    }

    /// <summary>L(a, y) as a value: ½Σ(aⱼ − yⱼ)² (through <see cref="ScalarLosses.MSE"/>) or −Σ yⱼ log aⱼ.</summary>
    public Value LossOf(IReadOnlyList<Value> output, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(y);
        if (Loss == LossFunction.Mse) return ScalarLosses.MSE(output, y, half: true);
        if (output.Count != y.Count)
            throw new ArgumentException($"ValueDenseNetwork.LossOf: expected {output.Count} targets, got {y.Count}.", nameof(y));
        var terms = new List<Value>();
        for (int j = 0; j < output.Count; j++) if (y[j] != 0) terms.Add(-y[j] * output[j].Log());
        return Value.Sum(terms);
    }

    /// <summary>Builds the graph of one sample, zeroes the parameter gradients and runs <see cref="Value.Backward(double, bool)"/>.
    /// Afterwards every zⱼ's <see cref="Value.Grad"/> is δⱼ, every parameter's is ∂L/∂w, every input's is ∂L/∂xᵢ.</summary>
    public ValuePass Backpropagate(double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ZeroGrad();
        var inputs = new Value[x.Length];
        for (int i = 0; i < x.Length; i++) inputs[i] = new Value(x[i], $"x{i}");
        var (zs, activations) = Forward(inputs);
        Value loss = LossOf(activations[^1], y);
        loss.Backward();
        return new ValuePass(inputs, zs, activations, loss);
    }

    /// <summary>Builds one graph for a mini-batch, L = (1/B)Σₛ Lₛ or Σₛ Lₛ, zeroes the parameter gradients and runs backward.</summary>
    public Value Backpropagate(double[][] xs, double[][] ys, BatchReduction reduction = BatchReduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        if (xs.Length == 0 || xs.Length != ys.Length)
            throw new ArgumentException($"ValueDenseNetwork.Backpropagate: expected as many targets as inputs (at least one); got {xs.Length} and {ys.Length}.");
        ZeroGrad();
        var losses = new Value[xs.Length];
        for (int s = 0; s < xs.Length; s++)
        {
            var inputs = new Value[xs[s].Length];
            for (int i = 0; i < inputs.Length; i++) inputs[i] = new Value(xs[s][i]);
            losses[s] = LossOf(Forward(inputs).Activations[^1], ys[s]);
        }
        Value loss = reduction == BatchReduction.Mean ? Value.Sum(losses) / xs.Length : Value.Sum(losses);
        loss.Backward();
        return loss;
    }

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (Value p in _parameters) p.Grad = 0;
    }

    private static Value[] Activate(Activation f, Value[] z)
    {
        var a = new Value[z.Length];
        if (f == Activation.Softmax)
        {
            double max = double.NegativeInfinity;
            foreach (Value v in z) max = Math.Max(max, v.Data);
            var e = new Value[z.Length];
            for (int j = 0; j < z.Length; j++) e[j] = (z[j] - max).Exp(); // shifting by a constant leaves softmax unchanged
            Value sum = Value.Sum(e);
            for (int j = 0; j < z.Length; j++) a[j] = e[j] / sum;
            return a;
        }
        for (int j = 0; j < z.Length; j++) a[j] = f.Apply(z[j]);
        return a;
    }
}

/// <summary>One sample's graph after <see cref="ValueDenseNetwork.Backpropagate(double[], double[])"/>: read δ from the preactivations' gradients.</summary>
/// <param name="Inputs">x as leaves (their <see cref="Value.Grad"/> is ∂L/∂x).</param>
/// <param name="Preactivations">zˡ per layer (their <see cref="Value.Grad"/> is δˡ).</param>
/// <param name="Activations">aˡ per layer.</param>
/// <param name="Loss">L.</param>
public sealed record ValuePass(Value[] Inputs, Value[][] Preactivations, Value[][] Activations, Value Loss);
