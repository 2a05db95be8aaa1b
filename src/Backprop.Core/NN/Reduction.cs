namespace Backprop.NN;

/// <summary>How a loss combines its per-element (or per-sample) terms, as PyTorch's <c>reduction=</c>.</summary>
public enum Reduction
{
    /// <summary>The mean of the terms (PyTorch's default): a rank-0 tensor.</summary>
    Mean,

    /// <summary>The sum of the terms: a rank-0 tensor.</summary>
    Sum,

    /// <summary>No reduction: one term per element (per sample for cross-entropy and NLL).</summary>
    None,
}
