namespace Backprop.Explicit;

/// <summary>
/// Layer l after backprop on a mini-batch of B samples, in matrix form: row s of each B×n matrix is sample s
/// (the per-sample values, exactly as a single-sample <see cref="LayerBackprop"/> would show them); the
/// parameter gradients are reduced over the batch (<see cref="BatchReduction"/>).
/// </summary>
public sealed class BatchLayerBackprop
{
    internal BatchLayerBackprop(int index, Activation function, double[,] input, double[,] preactivation, double[,] activation,
        double[,] activationGradient, double[,] delta, double[,] weightGradient, double[] biasGradient, double[,] inputGradient)
    {
        Index = index;
        Function = function;
        Input = input;
        Preactivation = preactivation;
        Activation = activation;
        ActivationGradient = activationGradient;
        Delta = delta;
        WeightGradient = weightGradient;
        BiasGradient = biasGradient;
        InputGradient = inputGradient;
    }

    /// <summary>l, counted from 1.</summary>
    public int Index { get; }

    /// <summary>f of this layer.</summary>
    public Activation Function { get; }

    /// <summary>Aˡ⁻¹ (B×in), one input row per sample.</summary>
    public double[,] Input { get; }

    /// <summary>Zˡ = Aˡ⁻¹Wˡᵀ + 1bˡᵀ (B×out).</summary>
    public double[,] Preactivation { get; }

    /// <summary>Aˡ = f(Zˡ) row by row (B×out).</summary>
    public double[,] Activation { get; }

    /// <summary>Per-sample ∂Lₛ/∂aₛˡ (B×out).</summary>
    public double[,] ActivationGradient { get; }

    /// <summary>Per-sample δₛˡ = ∂Lₛ/∂zₛˡ (B×out); below the output, Δˡ = (Δˡ⁺¹Wˡ⁺¹) ⊙ f′(Zˡ).</summary>
    public double[,] Delta { get; }

    /// <summary>∂L/∂Wˡ = c·Δˡᵀ Aˡ⁻¹ (out×in) with c = 1/B for <see cref="BatchReduction.Mean"/>, 1 for <see cref="BatchReduction.Sum"/>.</summary>
    public double[,] WeightGradient { get; }

    /// <summary>∂L/∂bˡ = c·Σₛ δₛˡ.</summary>
    public double[] BiasGradient { get; }

    /// <summary>Per-sample ∂Lₛ/∂aₛˡ⁻¹ = ΔˡWˡ (B×in); ∂Lₛ/∂xₛ for the first layer.</summary>
    public double[,] InputGradient { get; }
}

/// <summary>Backprop on a mini-batch: per-sample losses, the reduced loss, and per layer the matrices of <see cref="BatchLayerBackprop"/>.</summary>
public sealed class BatchBackpropResult
{
    internal BatchBackpropResult(double[] losses, double loss, BatchReduction reduction, BatchLayerBackprop[] layers)
    {
        Losses = losses;
        Loss = loss;
        Reduction = reduction;
        Layers = layers;
    }

    /// <summary>Lₛ of each sample.</summary>
    public double[] Losses { get; }

    /// <summary>L = (1/B)Σₛ Lₛ (<see cref="BatchReduction.Mean"/>) or Σₛ Lₛ (<see cref="BatchReduction.Sum"/>).</summary>
    public double Loss { get; }

    /// <summary>How the per-sample gradients were combined.</summary>
    public BatchReduction Reduction { get; }

    /// <summary>Number of samples B.</summary>
    public int BatchSize => Losses.Length;

    /// <summary>Per layer (index 0 is layer 1).</summary>
    public IReadOnlyList<BatchLayerBackprop> Layers { get; }

    /// <summary>Aᴸ (B×out), the outputs.</summary>
    public double[,] Output => Layers[^1].Activation;
}
