using Backprop.Kernels;

namespace Backprop.Explicit;

/// <summary>
/// A dense network trained by the δ equations of notes 000, 002 and 004, in float64 on plain arrays
/// (no autograd): the forward pass keeps zˡ = Wˡaˡ⁻¹ + bˡ and aˡ = f(zˡ); the backward pass computes
/// δᴸ from the loss, then δˡ = (Wˡ⁺¹ᵀδˡ⁺¹) ⊙ f′(zˡ), ∂L/∂Wˡ = δˡaˡ⁻¹ᵀ, ∂L/∂bˡ = δˡ and ∂L/∂aˡ⁻¹ = Wˡᵀδˡ.
/// </summary>
/// <remarks>Softmax may only be the output activation; cross-entropy requires it (δᴸ = aᴸ − y).</remarks>
public sealed class DenseNetwork
{
    private readonly DenseLayer[] _layers;

    /// <summary>Creates a network from given layers (e.g. with a note's numbers); the layers are used as they are (not copied).</summary>
    /// <param name="loss">L.</param>
    /// <param name="layers">Layer 1 first; each layer's input count must equal the previous layer's output count.</param>
    public DenseNetwork(LossFunction loss, params DenseLayer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0) throw new ArgumentException("DenseNetwork: expected at least one layer.", nameof(layers));
        if (!Enum.IsDefined(loss)) throw new ArgumentOutOfRangeException(nameof(loss), loss, "DenseNetwork: unknown loss.");
        for (int l = 0; l < layers.Length; l++)
        {
            ArgumentNullException.ThrowIfNull(layers[l], $"{nameof(layers)}[{l}]");
            if (l > 0 && layers[l].InputCount != layers[l - 1].OutputCount)
                throw new ArgumentException(
                    $"DenseNetwork: layer {l + 1} ({layers[l]}) expects {layers[l].InputCount} inputs, but layer {l} ({layers[l - 1]}) gives {layers[l - 1].OutputCount}.", nameof(layers));
            if (l < layers.Length - 1 && layers[l].Activation == Activation.Softmax)
                throw new ArgumentException($"DenseNetwork: softmax is only allowed on the output layer; layer {l + 1} of {layers.Length} uses it.", nameof(layers));
        }
        if (loss == LossFunction.CrossEntropy && layers[^1].Activation != Activation.Softmax)
            throw new ArgumentException(
                $"DenseNetwork: cross-entropy expects a softmax output layer (so that δᴸ = aᴸ − y); the output layer uses {layers[^1].Activation}.", nameof(loss));
        _layers = layers;
        Loss = loss;
    }

    /// <summary>Creates a seeded network inputs → hiddenSizes… → outputs, e.g.
    /// <c>new DenseNetwork(2, [3], 3, Activation.Sigmoid, Activation.Sigmoid)</c> (sizes as <see cref="NN.MLP.Create"/>
    /// and <see cref="Scalar.ValueMLP"/> take them). Weights are drawn as <see cref="Scalar.ValueMLP"/> draws them, so
    /// the same seed gives the same numbers.</summary>
    /// <param name="inputs">Width of x.</param>
    /// <param name="hiddenSizes">Neurons of each hidden layer (may be empty: a single layer).</param>
    /// <param name="outputs">Width of the output layer.</param>
    /// <param name="activation">f of the hidden layers.</param>
    /// <param name="outputActivation">f of the output layer.</param>
    /// <param name="loss">L.</param>
    /// <param name="seed">Seed of the weights.</param>
    public DenseNetwork(int inputs, IReadOnlyList<int> hiddenSizes, int outputs, Activation activation = Activation.Sigmoid,
        Activation outputActivation = Activation.Sigmoid, LossFunction loss = LossFunction.Mse, int seed = 0)
        : this(loss, RandomLayers(inputs, hiddenSizes, outputs, activation, outputActivation, seed))
    {
    }

    private static DenseLayer[] RandomLayers(int inputs, IReadOnlyList<int> hiddenSizes, int outputs, Activation activation, Activation outputActivation, int seed)
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        var rng = new Rng(seed);
        var layers = new DenseLayer[hiddenSizes.Count + 1];
        for (int l = 0, fanIn = inputs; l < layers.Length; fanIn = layers[l].OutputCount, l++)
        {
            bool last = l == layers.Length - 1;
            layers[l] = new DenseLayer(fanIn, last ? outputs : hiddenSizes[l], last ? outputActivation : activation, rng);
        }
        return layers;
    }

    /// <summary>The layers, layer 1 first.</summary>
    public IReadOnlyList<DenseLayer> Layers => _layers;

    /// <summary>L.</summary>
    public LossFunction Loss { get; }

    /// <summary>Width of x.</summary>
    public int InputCount => _layers[0].InputCount;

    /// <summary>Width of aᴸ.</summary>
    public int OutputCount => _layers[^1].OutputCount;

    /// <summary>A deep copy (weights included).</summary>
    public DenseNetwork Clone()
    {
        var layers = new DenseLayer[_layers.Length];
        for (int l = 0; l < layers.Length; l++) layers[l] = _layers[l].Clone();
        return new DenseNetwork(Loss, layers);
    }

    // ---- one sample ---------------------------------------------------------------------------

    /// <summary>The forward pass, keeping zˡ and aˡ of every layer.</summary>
    public ForwardPass Forward(double[] x)
    {
        CheckInput(nameof(Forward), x);
        var layers = new LayerForward[_layers.Length];
        double[] a = x;
        for (int l = 0; l < _layers.Length; l++)
        {
            DenseLayer layer = _layers[l];
            var z = new double[layer.OutputCount];
            DenseMath.Affine(layer.Weights, a, layer.Bias, z);      // zˡ = Wˡaˡ⁻¹ + bˡ
            var next = new double[layer.OutputCount];
            Activations.Apply(layer.Activation, z, next);          // aˡ = f(zˡ)
            layers[l] = new LayerForward(l + 1, layer.Activation, a, z, next);
            a = next;
        }
        return new ForwardPass(x, layers);
    }

    /// <summary>aᴸ for input x.</summary>
    public double[] Predict(double[] x) => Forward(x).Output;

    /// <summary>The loss L(aᴸ(x), y) without the backward pass.</summary>
    public double ComputeLoss(double[] x, double[] y)
    {
        ForwardPass pass = Forward(x);
        CheckTarget(nameof(ComputeLoss), y);
        return Losses.Loss(Loss, pass.Layers[^1].Preactivation, pass.Output, y);
    }

    /// <summary>Forward and backward pass for one sample: the loss, and per layer z, a, δ, ∂L/∂W, ∂L/∂b, ∂L/∂aˡ⁻¹.</summary>
    /// <param name="x">The input.</param>
    /// <param name="y">The target (a probability vector, usually one-hot, for cross-entropy).</param>
    public BackpropResult Backpropagate(double[] x, double[] y)
    {
        ForwardPass pass = Forward(x);
        CheckTarget(nameof(Backpropagate), y);
        int L = _layers.Length;
        var result = new LayerBackprop[L];
        LayerForward top = pass.Layers[L - 1];
        double loss = Losses.Loss(Loss, top.Preactivation, top.Activation, y);

        // Output layer: ∂L/∂aᴸ from the loss, then δᴸ.
        var dA = new double[top.Activation.Length];
        Losses.OutputGradient(Loss, top.Activation, y, dA);
        var delta = new double[dA.Length];
        Losses.OutputDelta(Loss, top.Function, top.Preactivation, top.Activation, y, dA, delta);

        for (int l = L - 1; l >= 0; l--)
        {
            LayerForward f = pass.Layers[l];
            if (l < L - 1)
            {
                delta = new double[dA.Length];
                Activations.Back(f.Function, f.Preactivation, f.Activation, dA, delta); // δˡ = (Wˡ⁺¹ᵀδˡ⁺¹) ⊙ f′(zˡ)
            }
            double[,] dW = DenseMath.Outer(delta, f.Input);                            // ∂L/∂Wˡ = δˡ aˡ⁻¹ᵀ
            var dInput = new double[f.Input.Length];
            DenseMath.TransposeTimes(_layers[l].Weights, delta, dInput);                // ∂L/∂aˡ⁻¹ = Wˡᵀδˡ
            result[l] = new LayerBackprop(f, dA, delta, dW, dInput);
            dA = dInput;
        }
        return new BackpropResult(x, y, loss, result);
    }

    /// <summary>Backprop for a classification sample: the target is the one-hot vector of <paramref name="label"/>.</summary>
    public BackpropResult Backpropagate(double[] x, int label) => Backpropagate(x, OneHot(label));

    /// <summary>The one-hot vector of <paramref name="label"/> over this network's outputs.</summary>
    public double[] OneHot(int label)
    {
        if ((uint)label >= (uint)OutputCount)
            throw new ArgumentOutOfRangeException(nameof(label), label, $"DenseNetwork.OneHot: expected a class in [0, {OutputCount}).");
        var y = new double[OutputCount];
        y[label] = 1;
        return y;
    }

    // ---- mini-batch ---------------------------------------------------------------------------

    /// <summary>
    /// Forward and backward pass for a mini-batch, in matrix form (rows are samples): Zˡ = Aˡ⁻¹Wˡᵀ + 1bˡᵀ,
    /// Δˡ = (Δˡ⁺¹Wˡ⁺¹) ⊙ f′(Zˡ), ∂L/∂Wˡ = c·ΔˡᵀAˡ⁻¹, ∂L/∂bˡ = c·Σₛ δₛˡ, with c = 1/B for
    /// <see cref="BatchReduction.Mean"/> (the default) and 1 for <see cref="BatchReduction.Sum"/>.
    /// </summary>
    /// <param name="xs">B inputs.</param>
    /// <param name="ys">B targets.</param>
    /// <param name="reduction">Mean or sum of the per-sample gradients (and losses).</param>
    public BatchBackpropResult Backpropagate(double[][] xs, double[][] ys, BatchReduction reduction = BatchReduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        if (xs.Length == 0 || xs.Length != ys.Length)
            throw new ArgumentException($"DenseNetwork.Backpropagate: expected as many targets as inputs (at least one); got {xs.Length} inputs and {ys.Length} targets.");
        if (!Enum.IsDefined(reduction)) throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown batch reduction.");
        int B = xs.Length, L = _layers.Length;
        double c = reduction == BatchReduction.Mean ? 1.0 / B : 1.0;

        // Forward: A⁰ = X, then Zˡ = Aˡ⁻¹Wˡᵀ + 1bˡᵀ and Aˡ = f(Zˡ) row by row.
        var inputs = new double[L + 1][,];
        var zs = new double[L][,];
        inputs[0] = new double[B, InputCount];
        for (int s = 0; s < B; s++)
        {
            CheckInput(nameof(Backpropagate), xs[s], s);
            xs[s].CopyTo(DenseMath.Row(inputs[0], s));
        }
        for (int l = 0; l < L; l++)
        {
            DenseLayer layer = _layers[l];
            int n = layer.OutputCount, k = layer.InputCount;
            var z = new double[B, n];
            for (int s = 0; s < B; s++) layer.Bias.CopyTo(DenseMath.Row(z, s));
            Gemm.Multiply(false, true, B, n, k, 1.0, DenseMath.AsSpan(inputs[l]), k, DenseMath.AsSpan(layer.Weights), k, 1.0, DenseMath.AsSpan(z), n);
            var a = new double[B, n];
            for (int s = 0; s < B; s++) Activations.Apply(layer.Activation, DenseMath.Row(z, s), DenseMath.Row(a, s));
            zs[l] = z;
            inputs[l + 1] = a;
        }

        // Output layer: per-sample loss, ∂L/∂aᴸ and δᴸ.
        int outputs = OutputCount;
        var losses = new double[B];
        var dA = new double[B, outputs];
        var delta = new double[B, outputs];
        for (int s = 0; s < B; s++)
        {
            CheckTarget(nameof(Backpropagate), ys[s], s);
            Span<double> zRow = DenseMath.Row(zs[L - 1], s), aRow = DenseMath.Row(inputs[L], s);
            losses[s] = Losses.Loss(Loss, zRow, aRow, ys[s]);
            Losses.OutputGradient(Loss, aRow, ys[s], DenseMath.Row(dA, s));
            Losses.OutputDelta(Loss, _layers[L - 1].Activation, zRow, aRow, ys[s], DenseMath.Row(dA, s), DenseMath.Row(delta, s));
        }
        double totalLoss = 0;
        foreach (double v in losses) totalLoss += v;

        var result = new BatchLayerBackprop[L];
        for (int l = L - 1; l >= 0; l--)
        {
            DenseLayer layer = _layers[l];
            int n = layer.OutputCount, k = layer.InputCount;
            if (l < L - 1)
            {
                delta = new double[B, n];
                for (int s = 0; s < B; s++)                                                 // Δˡ = (Δˡ⁺¹Wˡ⁺¹) ⊙ f′(Zˡ)
                    Activations.Back(layer.Activation, DenseMath.Row(zs[l], s), DenseMath.Row(inputs[l + 1], s), DenseMath.Row(dA, s), DenseMath.Row(delta, s));
            }
            var dW = new double[n, k];                                                      // ∂L/∂Wˡ = c·ΔˡᵀAˡ⁻¹
            Gemm.Multiply(true, false, n, k, B, c, DenseMath.AsSpan(delta), n, DenseMath.AsSpan(inputs[l]), k, 0.0, DenseMath.AsSpan(dW), k);
            var db = new double[n];                                                         // ∂L/∂bˡ = c·Σₛ δₛˡ
            for (int s = 0; s < B; s++)
            {
                Span<double> row = DenseMath.Row(delta, s);
                for (int j = 0; j < n; j++) db[j] += row[j];
            }
            for (int j = 0; j < n; j++) db[j] *= c;
            var dInput = new double[B, k];                                                  // ∂Lₛ/∂aₛˡ⁻¹ = ΔˡWˡ
            Gemm.Multiply(false, false, B, k, n, 1.0, DenseMath.AsSpan(delta), n, DenseMath.AsSpan(layer.Weights), k, 0.0, DenseMath.AsSpan(dInput), k);
            result[l] = new BatchLayerBackprop(l + 1, layer.Activation, inputs[l], zs[l], inputs[l + 1], dA, delta, dW, db, dInput);
            dA = dInput;
        }
        return new BatchBackpropResult(losses, c * totalLoss, reduction, result);
    }

    /// <summary>Backprop for a mini-batch of classification samples (one-hot targets).</summary>
    public BatchBackpropResult Backpropagate(double[][] xs, int[] labels, BatchReduction reduction = BatchReduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var ys = new double[labels.Length][];
        for (int s = 0; s < labels.Length; s++) ys[s] = OneHot(labels[s]);
        return Backpropagate(xs, ys, reduction);
    }

    // ---- SGD ----------------------------------------------------------------------------------

    /// <summary>One SGD step with one sample's gradients: Wˡ ← Wˡ − η·∂L/∂Wˡ, bˡ ← bˡ − η·∂L/∂bˡ.</summary>
    public void Step(BackpropResult gradients, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        CheckStep(gradients.Layers.Count, learningRate);
        for (int l = 0; l < _layers.Length; l++) Update(l, gradients.Layers[l].WeightGradient, gradients.Layers[l].BiasGradient, learningRate);
    }

    /// <summary>One SGD step with a mini-batch's (reduced) gradients.</summary>
    public void Step(BatchBackpropResult gradients, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        CheckStep(gradients.Layers.Count, learningRate);
        for (int l = 0; l < _layers.Length; l++) Update(l, gradients.Layers[l].WeightGradient, gradients.Layers[l].BiasGradient, learningRate);
    }

    /// <summary>Backprop on one sample, then an SGD step; returns the result computed before the step.</summary>
    public BackpropResult TrainStep(double[] x, double[] y, double learningRate)
    {
        BackpropResult result = Backpropagate(x, y);
        Step(result, learningRate);
        return result;
    }

    /// <summary>Backprop on a mini-batch, then an SGD step; returns the result computed before the step.</summary>
    public BatchBackpropResult TrainStep(double[][] xs, double[][] ys, double learningRate, BatchReduction reduction = BatchReduction.Mean)
    {
        BatchBackpropResult result = Backpropagate(xs, ys, reduction);
        Step(result, learningRate);
        return result;
    }

    private void Update(int l, double[,] dW, double[] db, double learningRate)
    {
        DenseLayer layer = _layers[l];
        if (dW.GetLength(0) != layer.OutputCount || dW.GetLength(1) != layer.InputCount || db.Length != layer.OutputCount)
            throw new ArgumentException(
                $"DenseNetwork.Step: layer {l + 1} has {layer.OutputCount}×{layer.InputCount} weights and {layer.OutputCount} biases; " +
                $"got gradients of {dW.GetLength(0)}×{dW.GetLength(1)} and {db.Length} (from another network?).");
        Span<double> w = DenseMath.AsSpan(layer.Weights);
        ReadOnlySpan<double> g = DenseMath.AsSpan(dW);
        for (int i = 0; i < w.Length; i++) w[i] -= learningRate * g[i];
        for (int j = 0; j < db.Length; j++) layer.Bias[j] -= learningRate * db[j];
    }

    private void CheckStep(int layers, double learningRate)
    {
        if (layers != _layers.Length)
            throw new ArgumentException($"DenseNetwork.Step: expected gradients for {_layers.Length} layers, got {layers}.");
        if (!double.IsFinite(learningRate))
            throw new ArgumentException($"DenseNetwork.Step: expected a finite learning rate, got {learningRate}.", nameof(learningRate));
    }

    // ---- checks -------------------------------------------------------------------------------

    private void CheckInput(string op, double[] x, int sample = -1)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length != InputCount)
            throw new ArgumentException($"DenseNetwork.{op}: expected an input of {InputCount} values{At(sample)}, got {x.Length}.");
    }

    private void CheckTarget(string op, double[] y, int sample = -1)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (y.Length != OutputCount)
            throw new ArgumentException($"DenseNetwork.{op}: expected a target of {OutputCount} values{At(sample)}, got {y.Length}.");
        if (Loss != LossFunction.CrossEntropy) return;
        double sum = 0;
        foreach (double v in y)
        {
            if (!(v >= 0)) throw new ArgumentException($"DenseNetwork.{op}: cross-entropy expects a target of probabilities{At(sample)}; found {v}.");
            sum += v;
        }
        if (Math.Abs(sum - 1) > 1e-9)
            throw new ArgumentException($"DenseNetwork.{op}: cross-entropy expects a target that sums to 1 (e.g. one-hot){At(sample)}; it sums to {sum}.");
    }

    private static string At(int sample) => sample < 0 ? "" : $" (sample {sample})";

    /// <summary>e.g. "DenseNetwork(2 → 3 Sigmoid → 3 Sigmoid; Mse)".</summary>
    public override string ToString() =>
        $"DenseNetwork({InputCount} → {string.Join(" → ", _layers.Select(l => $"{l.OutputCount} {l.Activation}"))}; {Loss})";
}
