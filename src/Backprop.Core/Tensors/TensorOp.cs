namespace Backprop;

/// <summary>
/// A recorded tensor operation as the graph views show it: its name (PyTorch's lowercase function name, the same
/// in <see cref="Tensor.Op"/>, graphs and error messages) and, for each input, the local derivative ∂y/∂input as a
/// display formula (x is the input, y the result, g the upstream gradient ∂L/∂y). Each op declares its
/// <see cref="TensorOp"/> once, beside its forward and backward code.
/// </summary>
public sealed class TensorOp
{
    private readonly string[]? _derivatives;
    private readonly Func<double, string>? _formula;
    private readonly double _constant;

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

    /// <summary>An op with a constant (pow's exponent, mul's factor) whose one formula is written only when asked
    /// for (a graph view), so recording the op allocates no string. <paramref name="formula"/> should be static.</summary>
    internal TensorOp(string name, double constant, Func<double, string> formula)
    {
        Name = name;
        _constant = constant;
        _formula = formula;
    }

    /// <summary>The op's name, e.g. "add", "matmul", "tanh".</summary>
    public string Name { get; }

    /// <summary>∂y/∂(input <paramref name="input"/>) as a formula, e.g. "1 − y²" for tanh (the last formula
    /// declared serves the inputs beyond it).</summary>
    public string Derivative(int input)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(input);
        if (_formula is not null) return _formula(_constant);
        return _derivatives![Math.Min(input, _derivatives.Length - 1)];
    }

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}
