namespace Backprop.Explicit;

/// <summary>What the forward pass keeps for layer l of one sample: aˡ⁻¹, zˡ = Wˡaˡ⁻¹ + bˡ and aˡ = f(zˡ).</summary>
public class LayerForward
{
    internal LayerForward(int index, Activation function, double[] input, double[] preactivation, double[] activation)
    {
        Index = index;
        Function = function;
        Input = input;
        Preactivation = preactivation;
        Activation = activation;
    }

    /// <summary>l, counted from 1 for the first layer (the notes' numbering).</summary>
    public int Index { get; }

    /// <summary>f of this layer.</summary>
    public Activation Function { get; }

    /// <summary>aˡ⁻¹, the layer's input (x for the first layer).</summary>
    public double[] Input { get; }

    /// <summary>zˡ = Wˡaˡ⁻¹ + bˡ.</summary>
    public double[] Preactivation { get; }

    /// <summary>aˡ = f(zˡ).</summary>
    public double[] Activation { get; }
}

/// <summary>Layer l of one sample after backprop: the forward values plus δˡ and the gradients.</summary>
public sealed class LayerBackprop : LayerForward
{
    internal LayerBackprop(LayerForward forward, double[] activationGradient, double[] delta, double[,] weightGradient, double[] inputGradient)
        : base(forward.Index, forward.Function, forward.Input, forward.Preactivation, forward.Activation)
    {
        ActivationGradient = activationGradient;
        Delta = delta;
        WeightGradient = weightGradient;
        InputGradient = inputGradient;
    }

    /// <summary>∂L/∂aˡ: for the output layer the loss's gradient (aᴸ − y for MSE), otherwise what layer l+1
    /// passes back, Wˡ⁺¹ᵀδˡ⁺¹.</summary>
    public double[] ActivationGradient { get; }

    /// <summary>δˡ = ∂L/∂zˡ = ∂L/∂aˡ ⊙ f′(zˡ): δᴸ = (aᴸ − y) ⊙ f′(zᴸ) for MSE, aᴸ − y for cross-entropy with softmax;
    /// δˡ = (Wˡ⁺¹ᵀδˡ⁺¹) ⊙ f′(zˡ) below.</summary>
    public double[] Delta { get; }

    /// <summary>∂L/∂Wˡ = δˡ aˡ⁻¹ᵀ (out×in): <c>WeightGradient[j, i]</c> = δⱼ aᵢˡ⁻¹.</summary>
    public double[,] WeightGradient { get; }

    /// <summary>∂L/∂bˡ = δˡ.</summary>
    public double[] BiasGradient => Delta;

    /// <summary>∂L/∂aˡ⁻¹ = Wˡᵀδˡ, the gradient this layer passes back (note 004); ∂L/∂x for the first layer.</summary>
    public double[] InputGradient { get; }
}

/// <summary>One sample's forward pass through a <see cref="DenseNetwork"/>.</summary>
public sealed class ForwardPass
{
    internal ForwardPass(double[] input, LayerForward[] layers)
    {
        Input = input;
        Layers = layers;
    }

    /// <summary>x.</summary>
    public double[] Input { get; }

    /// <summary>Per layer: aˡ⁻¹, zˡ, aˡ (index 0 is layer 1).</summary>
    public IReadOnlyList<LayerForward> Layers { get; }

    /// <summary>aᴸ, the network's output.</summary>
    public double[] Output => Layers[^1].Activation;
}

/// <summary>One sample's backprop: the loss and, per layer, z, a, δ and the gradients — a "layer δ table".</summary>
[Formatting.TypeFormatterSource(typeof(Formatting.NotebookFormatterSource))]
public sealed class BackpropResult
{
    internal BackpropResult(double[] input, double[] target, double loss, LayerBackprop[] layers)
    {
        Input = input;
        Target = target;
        Loss = loss;
        Layers = layers;
    }

    /// <summary>x.</summary>
    public double[] Input { get; }

    /// <summary>y.</summary>
    public double[] Target { get; }

    /// <summary>L(aᴸ, y).</summary>
    public double Loss { get; }

    /// <summary>Per layer (index 0 is layer 1): aˡ⁻¹, zˡ, aˡ, ∂L/∂aˡ, δˡ, ∂L/∂Wˡ, ∂L/∂bˡ, ∂L/∂aˡ⁻¹.</summary>
    public IReadOnlyList<LayerBackprop> Layers { get; }

    /// <summary>aᴸ.</summary>
    public double[] Output => Layers[^1].Activation;

    /// <summary>∂L/∂x.</summary>
    public double[] InputGradient => Layers[0].InputGradient;
}
