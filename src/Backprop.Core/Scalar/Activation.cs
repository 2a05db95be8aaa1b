namespace Backprop.Scalar;

/// <summary>The activation a neuron applies to its preactivation z = Σ wᵢxᵢ + b.</summary>
public enum Activation
{
    /// <summary>a = z.</summary>
    Linear,
    /// <summary>a = max(0, z).</summary>
    Relu,
    /// <summary>a = tanh z.</summary>
    Tanh,
    /// <summary>a = σ(z) = 1/(1 + e⁻ᶻ).</summary>
    Sigmoid,
}

/// <summary>Applies an <see cref="Activation"/> to a scalar value.</summary>
public static class ActivationExtensions
{
    /// <summary>f(z) for the given activation.</summary>
    public static Value Apply(this Activation activation, Value z) => activation switch
    {
        Activation.Linear => z,
        Activation.Relu => z.Relu(),
        Activation.Tanh => z.Tanh(),
        Activation.Sigmoid => z.Sigmoid(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation; expected Linear, Relu, Tanh or Sigmoid."),
    };
}
