namespace Backprop;

/// <summary>
/// Checks backpropagation against central finite differences:
/// ∂f/∂xᵢ ≈ (f(x + hᵢ) − f(x − hᵢ)) / 2h, with h = ε·max(1, |xᵢ|).
/// </summary>
public static class GradCheck
{
    /// <summary>The default relative step ε.</summary>
    public const double DefaultEpsilon = 1e-6;

    /// <summary>
    /// Checks the gradient of an expression with respect to existing leaves. <paramref name="forward"/>
    /// must rebuild the expression from the current <see cref="Value.Data"/> of <paramref name="leaves"/>
    /// each time it is called (it is called 2n + 1 times). Leaves are restored afterwards, data and grad.
    /// </summary>
    /// <param name="leaves">The inputs or parameters to check (e.g. <c>mlp.Parameters()</c>).</param>
    /// <param name="forward">Builds the scalar output from the leaves.</param>
    /// <param name="epsilon">Relative step ε.</param>
    public static GradCheckResult Check(IReadOnlyList<Value> leaves, Func<Value> forward, double epsilon = DefaultEpsilon)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        ArgumentNullException.ThrowIfNull(forward);
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
            throw new ArgumentException($"GradCheck: expected a positive finite epsilon, got {epsilon}.", nameof(epsilon));
        for (int i = 0; i < leaves.Count; i++)
            if (leaves[i] is null) throw new ArgumentException($"GradCheck: leaves[{i}] is null.", nameof(leaves));

        var savedGrads = new double[leaves.Count];
        for (int i = 0; i < leaves.Count; i++) savedGrads[i] = leaves[i].Grad;

        // Analytic: one backward pass over a fresh graph with zeroed gradients.
        Value output = forward();
        output.ZeroGrad();
        foreach (Value leaf in leaves) leaf.Grad = 0; // leaves not reached by the graph have gradient 0
        output.Backward();
        var analytic = new double[leaves.Count];
        for (int i = 0; i < leaves.Count; i++) analytic[i] = leaves[i].Grad;

        var entries = new GradCheckEntry[leaves.Count];
        using (new NoGrad())
        {
            for (int i = 0; i < leaves.Count; i++)
            {
                Value leaf = leaves[i];
                double x = leaf.Data;
                double h = epsilon * Math.Max(1.0, Math.Abs(x));
                leaf.Data = x + h;
                double plus = forward().Data;
                leaf.Data = x - h;
                double minus = forward().Data;
                leaf.Data = x;
                entries[i] = new GradCheckEntry(i, leaf.DisplayName, x, analytic[i], (plus - minus) / (2 * h));
            }
        }
        for (int i = 0; i < leaves.Count; i++) leaves[i].Grad = savedGrads[i];
        return new GradCheckResult(entries, output.Data);
    }

    /// <summary>
    /// Checks the gradient of <paramref name="f"/> at <paramref name="inputs"/>. The function receives
    /// fresh leaves (labelled from <paramref name="labels"/>, else x0, x1, ...).
    /// </summary>
    public static GradCheckResult Check(Func<IReadOnlyList<Value>, Value> f, IReadOnlyList<double> inputs,
        IReadOnlyList<string>? labels = null, double epsilon = DefaultEpsilon)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        if (labels is not null && labels.Count != inputs.Count)
            throw new ArgumentException($"GradCheck: {labels.Count} labels for {inputs.Count} inputs; expected one label per input.", nameof(labels));
        var leaves = new Value[inputs.Count];
        for (int i = 0; i < leaves.Length; i++) leaves[i] = new Value(inputs[i], labels?[i] ?? $"x{i}");
        return Check(leaves, () => f(leaves), epsilon);
    }

    /// <summary>Checks d f/dx of a function of one value at <paramref name="x"/>.</summary>
    public static GradCheckResult Check(Func<Value, Value> f, double x, double epsilon = DefaultEpsilon)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Check(v => f(v[0]), [x], ["x"], epsilon);
    }

    /// <summary>Checks both partial derivatives of a function of two values at (<paramref name="a"/>, <paramref name="b"/>).</summary>
    public static GradCheckResult Check(Func<Value, Value, Value> f, double a, double b, double epsilon = DefaultEpsilon)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Check(v => f(v[0], v[1]), [a, b], ["a", "b"], epsilon);
    }
}

/// <summary>One input's analytic and numeric gradient.</summary>
/// <param name="Index">Position of the input.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Input">Its value.</param>
/// <param name="Analytic">∂f/∂x from backpropagation.</param>
/// <param name="Numeric">∂f/∂x from central differences.</param>
public sealed record GradCheckEntry(int Index, string Name, double Input, double Analytic, double Numeric)
{
    /// <summary>|analytic − numeric|.</summary>
    public double AbsoluteError => Math.Abs(Analytic - Numeric);

    /// <summary>|analytic − numeric| / max(|analytic|, |numeric|); 0 when both are 0; NaN if either is.</summary>
    public double RelativeError
    {
        get
        {
            double scale = Math.Max(Math.Abs(Analytic), Math.Abs(Numeric));
            return scale == 0 ? 0 : AbsoluteError / scale;
        }
    }

    /// <summary>True when |analytic − numeric| ≤ atol + rtol·|numeric| (PyTorch's gradcheck criterion).</summary>
    public bool IsClose(double rtol = GradCheckResult.DefaultRelativeTolerance, double atol = GradCheckResult.DefaultAbsoluteTolerance) =>
        AbsoluteError <= atol + rtol * Math.Abs(Numeric);
}

/// <summary>The outcome of a <see cref="GradCheck"/>: one entry per input.</summary>
[Formatting.TypeFormatterSource(typeof(Formatting.NotebookFormatterSource))]
public sealed class GradCheckResult : IReadOnlyList<GradCheckEntry>
{
    /// <summary>Default relative tolerance of <see cref="Passed"/>.</summary>
    public const double DefaultRelativeTolerance = 1e-5;
    /// <summary>Default absolute tolerance of <see cref="Passed"/>.</summary>
    public const double DefaultAbsoluteTolerance = 1e-7;

    private readonly GradCheckEntry[] _entries;

    internal GradCheckResult(GradCheckEntry[] entries, double output)
    {
        _entries = entries;
        Output = output;
    }

    /// <summary>The function's value at the checked point.</summary>
    public double Output { get; }

    /// <summary>The largest relative error over all inputs (0 when there are none).</summary>
    public double MaxRelativeError => _entries.Length == 0 ? 0 : _entries.Max(e => e.RelativeError);

    /// <summary>The largest absolute error over all inputs (0 when there are none).</summary>
    public double MaxAbsoluteError => _entries.Length == 0 ? 0 : _entries.Max(e => e.AbsoluteError);

    /// <summary>True when every entry <see cref="GradCheckEntry.IsClose"/>.</summary>
    public bool Passed(double rtol = DefaultRelativeTolerance, double atol = DefaultAbsoluteTolerance) =>
        _entries.All(e => e.IsClose(rtol, atol));

    /// <inheritdoc/>
    public GradCheckEntry this[int index] => _entries[index];

    /// <inheritdoc/>
    public int Count => _entries.Length;

    /// <inheritdoc/>
    public IEnumerator<GradCheckEntry> GetEnumerator() => ((IEnumerable<GradCheckEntry>)_entries).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>One line per input: name, analytic, numeric, relative error.</summary>
    public override string ToString() =>
        string.Join(Environment.NewLine, _entries.Select(e =>
            $"{e.Name}: analytic={Value.Format(e.Analytic)} numeric={Value.Format(e.Numeric)} relerr={e.RelativeError:E2}"));
}
