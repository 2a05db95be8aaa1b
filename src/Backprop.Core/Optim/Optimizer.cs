using System.Numerics;

namespace Backprop.Optim;

/// <summary>
/// Updates parameters from their gradients (PyTorch's <c>torch.optim.Optimizer</c>, one parameter group).
/// Call <see cref="ZeroGrad"/>, run the forward and backward passes, then <see cref="Step"/>.
/// </summary>
/// <remarks>Parameters whose <see cref="Tensor.Grad"/> is null are skipped by <see cref="Step"/> (their state
/// does not advance), as in PyTorch. Updates write the parameters' storage in place and record no graph.
/// Each optimizer keeps its per-parameter state (momentum buffers, moment estimates) in arrays allocated once.</remarks>
public abstract class Optimizer
{
    private readonly Tensor[] _parameters;
    private double _learningRate;

    /// <summary>Checks and stores the parameters and the learning rate.</summary>
    /// <exception cref="ArgumentException">No parameters, a duplicate, a non-leaf, or an invalid learning rate.</exception>
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = [.. parameters];
        string name = GetType().Name;
        if (_parameters.Length == 0)
            throw new ArgumentException($"{name}: the parameter list is empty; expected at least one tensor (e.g. model.Parameters()).", nameof(parameters));
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _parameters.Length; i++)
        {
            Tensor p = _parameters[i] ?? throw new ArgumentException($"{name}: parameter {i} is null.", nameof(parameters));
            if (!p.IsLeaf)
                throw new ArgumentException($"{name}: parameter {i} ({p.DisplayName}) was computed by '{p.Op}'; only leaf tensors can be optimized.", nameof(parameters));
            if (!seen.Add(p))
                throw new ArgumentException($"{name}: parameter {i} ({p.DisplayName}) appears more than once in the parameter list.", nameof(parameters));
        }
        LearningRate = learningRate;
    }

    /// <summary>The parameters, in the order given.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>The learning rate η used by the next <see cref="Step"/> (schedulers set it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or not finite.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0) || !double.IsFinite(value))
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value, $"{GetType().Name}: expected a finite learning rate ≥ 0.");
            _learningRate = value;
        }
    }

    /// <summary>The number of <see cref="Step"/> calls so far.</summary>
    public int StepCount { get; internal set; }

    /// <summary>The per-parameter state buffers by PyTorch's key ("momentum_buffer", "exp_avg", …): each slot array holds one
    /// buffer per parameter, null until that parameter's first update. Checkpoints save and restore them.</summary>
    internal virtual IEnumerable<(string Key, Array?[] Slots)> StateBuffers() => [];

    /// <summary>Per-parameter step counts, for optimizers that keep them (Adam's t), else null.</summary>
    internal virtual int[]? ParameterSteps => null;

    /// <summary>Zeros every parameter's gradient in place.</summary>
    public void ZeroGrad()
    {
        foreach (Tensor p in _parameters) p.ZeroGrad();
    }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        StepCount++;
        for (int i = 0; i < _parameters.Length; i++)
        {
            Tensor p = _parameters[i];
            Tensor? g = p.Grad;
            if (g is null) continue;
            if (p.DType == DType.Float32) Update<float>(i, p.AsSpan<float>(), g.AsReadOnlySpan<float>()); // AsSpan: the step bumps p's Version
            else Update<double>(i, p.AsSpan<double>(), g.AsReadOnlySpan<double>());
        }
    }

    /// <summary>Updates parameter <paramref name="index"/> in place from its gradient.</summary>
    /// <param name="index">The parameter's position in <see cref="Parameters"/> (for its state).</param>
    /// <param name="parameter">Its elements.</param>
    /// <param name="grad">Its gradient (do not modify).</param>
    protected abstract void Update<T>(int index, Span<T> parameter, ReadOnlySpan<T> grad) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The state buffer in <paramref name="slot"/>, created zero-filled (length of parameter
    /// <paramref name="index"/>) the first time.</summary>
    protected Span<T> State<T>(Array?[] slot, int index) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(slot);
        slot[index] ??= new T[_parameters[index].ElementCount];
        return (T[])slot[index]!;
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    protected void CheckHyperparameter(string name, double value, double min, double max)
    {
        if (!(value >= min && value <= max) || !double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"{GetType().Name}: expected {name} in [{min}, {max}], got {value}.");
    }
}
