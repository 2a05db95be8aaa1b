namespace Backprop.NN;

/// <summary>
/// A fully connected layer, y = f(x·Wᵀ + b), computed as ONE recorded graph node by
/// <see cref="Functional.Linear"/> (optionally with the activation f fused in).
/// Parameters: <see cref="Weight"/> [out, in] and <see cref="Bias"/> [out], named "Weight" and "Bias".
/// </summary>
public sealed class Linear : Module
{
    /// <summary>Creates a layer with seeded initial weights.</summary>
    /// <param name="inFeatures">Inputs per sample.</param>
    /// <param name="outFeatures">Outputs per sample (neurons).</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <param name="init">How the weight is initialised (PyTorch's default unless told).</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <param name="dtype">Element type of the parameters.</param>
    /// <param name="activation">An activation fused into the layer's node (default Identity: none).</param>
    public Linear(int inFeatures, int outFeatures, bool bias = true, InitScheme init = InitScheme.PyTorchDefault,
        int seed = 0, DType dtype = DType.Float32, Activation activation = Activation.Identity)
        : this(inFeatures, outFeatures, new Rng(seed), bias, init, dtype, activation)
    {
    }

    /// <summary>Creates a layer drawing its initial weights from <paramref name="rng"/> (weight first, then bias),
    /// so several layers can share one seeded stream.</summary>
    /// <param name="inFeatures">Inputs per sample.</param>
    /// <param name="outFeatures">Outputs per sample (neurons).</param>
    /// <param name="rng">The random stream.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <param name="init">How the weight is initialised.</param>
    /// <param name="dtype">Element type of the parameters.</param>
    /// <param name="activation">An activation fused into the layer's node (default Identity: none).</param>
    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true, InitScheme init = InitScheme.PyTorchDefault,
        DType dtype = DType.Float32, Activation activation = Activation.Identity)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Functional.CheckFusable("Linear", activation);
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentException($"Linear: expected in_features > 0 and out_features > 0, got {inFeatures} and {outFeatures}.");
        Weight = RegisterParameter("Weight", Tensor.Zeros([outFeatures, inFeatures], dtype));
        Init.Apply(init, Weight, rng);
        if (bias)
        {
            Bias = RegisterParameter("Bias", Tensor.Zeros([outFeatures], dtype));
            if (init == InitScheme.PyTorchDefault)
            {
                double bound = 1.0 / Math.Sqrt(inFeatures);
                Init.Uniform(Bias, -bound, bound, rng);
            }
        }
        Activation = activation;
    }

    /// <summary>Wraps existing tensors as the layer's parameters (they are marked RequiresGrad), e.g. to
    /// start from known weights.</summary>
    /// <param name="weight">W: [out, in], a leaf.</param>
    /// <param name="bias">b: [out], or null.</param>
    /// <param name="activation">An activation fused into the layer's node.</param>
    public Linear(Tensor weight, Tensor? bias = null, Activation activation = Activation.Identity)
    {
        ArgumentNullException.ThrowIfNull(weight);
        Functional.CheckFusable("Linear", activation);
        if (weight.Rank != 2)
            throw new ShapeMismatchException("Linear", weight.Shape, bias?.Shape ?? [],
                $"Linear: the weight has shape {Shapes.Format(weight.Shape)}; expected rank 2 ([out, in]).");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != weight.Shape[0]))
            throw new ShapeMismatchException("Linear", weight.Shape, bias.Shape,
                $"Linear: the bias has shape {Shapes.Format(bias.Shape)} but the weight has shape {Shapes.Format(weight.Shape)}; expected a bias of shape [{weight.Shape[0]}].");
        if (bias is not null) Shapes.CheckSameDType("Linear", weight, bias);
        Weight = RegisterParameter("Weight", weight);
        if (bias is not null) Bias = RegisterParameter("Bias", bias);
        Activation = activation;
    }

    /// <summary>W: [out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>b: [out], or null when the layer has no bias.</summary>
    public Tensor? Bias { get; }

    /// <summary>The activation fused into this layer's node (<see cref="Activation.Identity"/> for a plain affine map).</summary>
    public Activation Activation { get; }

    /// <summary>Inputs per sample.</summary>
    public int InFeatures => Weight.Shape[1];

    /// <summary>Outputs per sample.</summary>
    public int OutFeatures => Weight.Shape[0];

    /// <summary>f(x·Wᵀ + b) for x of shape [..., in].</summary>
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias, Activation);

    /// <inheritdoc/>
    protected override string ExtraRepresentation()
    {
        string text = FormattableString.Invariant($"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is null ? "False" : "True")}");
        if (Activation != Activation.Identity) text += $", activation={Activation}";
        if (Weight.DType != DType.Float32) text += $", dtype={Weight.DType}";
        return text;
    }
}
