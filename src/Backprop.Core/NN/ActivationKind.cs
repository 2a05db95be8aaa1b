namespace Backprop.NN;

/// <summary>An activation that <see cref="Linear"/> can fuse into its own recorded operation, and that
/// <see cref="MLP.Create"/> puts between layers.</summary>
public enum ActivationKind
{
    /// <summary>No activation: a = z.</summary>
    None,
    /// <summary>a = max(0, z); a′ = 1 where a &gt; 0, else 0 (PyTorch's convention at 0).</summary>
    ReLU,
    /// <summary>a = tanh z; a′ = 1 − a².</summary>
    Tanh,
    /// <summary>a = σ(z) = 1/(1 + e⁻ᶻ); a′ = a(1 − a).</summary>
    Sigmoid,
}
