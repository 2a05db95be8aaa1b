namespace Backprop;

/// <summary>
/// A recorded tensor operation as the graph views show it: its name (PyTorch's lowercase function name, the same
/// in <see cref="Tensor.Op"/>, graphs and error messages) and, for each input, the local derivative ∂y/∂input as a
/// display formula (x is the input, y the result, g the upstream gradient ∂L/∂y). Each op declares its
/// <see cref="TensorOp"/> once, beside its forward and backward code.
/// </summary>
public sealed class TensorOp
{
    private readonly string[] _derivatives;

    /// <summary>An op named <paramref name="name"/> whose input k has the local derivative
    /// <paramref name="derivatives"/>[k]; one formula serves every input (e.g. "1" for a sum of many tensors).</summary>
    /// <exception cref="ArgumentException">The name is empty, or no formula is given.</exception>
    public TensorOp(string name, params string[] derivatives)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(derivatives);
        if (derivatives.Length == 0)
            throw new ArgumentException($"TensorOp '{name}': expected the local derivative's formula of at least one input.", nameof(derivatives));
        Name = name;
        _derivatives = derivatives;
    }

    /// <summary>The op's name, e.g. "add", "matmul", "tanh".</summary>
    public string Name { get; }

    /// <summary>∂y/∂(input <paramref name="input"/>) as a formula, e.g. "1 − y²" for tanh (the last formula
    /// declared serves the inputs beyond it).</summary>
    public string Derivative(int input)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(input);
        return _derivatives[Math.Min(input, _derivatives.Length - 1)];
    }

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}
