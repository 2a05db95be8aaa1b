using System.Globalization;

namespace Backprop;

/// <summary>
/// A scalar that remembers how it was computed: the micrograd-style autograd engine.
/// </summary>
/// <remarks>
/// <para>Every operation on values returns a new <see cref="Value"/> that records the operation
/// (<see cref="Op"/>), the values it was computed from (<see cref="Parents"/>) and, for each parent,
/// the local derivative ∂this/∂parent evaluated during the forward pass (<see cref="LocalGradients"/>).
/// <see cref="Backward(double, bool)"/> then applies the chain rule one link at a time, from this value
/// back to every leaf.</para>
/// <para>Local derivatives are numbers captured when the value is computed: changing a leaf's
/// <see cref="Data"/> afterwards does not update a graph that was already built. Build a new graph
/// (run the forward pass again) after every parameter update, as in PyTorch.</para>
/// <para>A graph is not thread-safe: build and differentiate it on one thread at a time. Graphs that share
/// any value (for instance one model's parameters) count as one graph: do not run <see cref="Backward(double, bool)"/>,
/// <see cref="ZeroGrad"/> or <see cref="TopologicalOrder"/> on them from two threads at once.</para>
/// </remarks>
[Formatting.TypeFormatterSource(typeof(Formatting.NotebookFormatterSource))]
public sealed partial class Value
{
    private static long s_nextId;

    // Parents and local derivatives, kept small: a training step of the demo MLP builds ~40k nodes.
    // Unary and binary ops hold them inline: parent _p0 with ∂this/∂_p0 = _d0, parent _p1 with _d1.
    // A sum of n > 2 values (the only n-ary op) holds its parents as a Value[] in _p0; each local
    // derivative of a sum is 1, so none is stored. The number of parents says which form is in use.
    private readonly object? _p0;
    private readonly Value? _p1;
    private readonly double _d0, _d1;

    // The number of parents (low 29 bits), the has-hooks flag (bit 29, see Value.Hooks.cs) and the IsConstant /
    // IsParameter flags (top two bits), one int.
    private int _shape;
    private const int ArityMask = (1 << 29) - 1, HookFlag = 1 << 29, ConstantFlag = 1 << 30, ParameterFlag = 1 << 31;

    // Scratch for graph traversals (see Value.Graph.cs): the traversal stamp, and ∂root/∂this during
    // the current backward pass.
    internal int _mark;
    internal double _passGrad;

    /// <summary>Creates a leaf value (an input or a parameter).</summary>
    /// <param name="data">The number it holds.</param>
    /// <param name="label">An optional name shown in graphs and tables (e.g. "w11").</param>
    public Value(double data, string? label = null)
    {
        Data = data;
        Label = label;
        Op = "";
        Id = Interlocked.Increment(ref s_nextId);
    }

    private Value(double data, string op, int arity, object? p0, double d0, Value? p1, double d1)
    {
        Data = data;
        Op = op;
        _shape = arity;
        _p0 = p0; _d0 = d0;
        _p1 = p1; _d1 = d1;
        Id = Interlocked.Increment(ref s_nextId);
    }

    /// <summary>The number this value holds (the result of the forward pass).</summary>
    public double Data { get; set; }

    /// <summary>∂(output)/∂(this), accumulated by <see cref="Backward(double, bool)"/>; zero until then.</summary>
    public double Grad { get; set; }

    /// <summary>An optional human-readable name, shown in graphs and tables.</summary>
    public string? Label { get; set; }

    /// <summary>The operation that produced this value ("+", "*", "tanh", ...); empty for a leaf.</summary>
    public string Op { get; }

    /// <summary>A process-wide creation number: parents always have smaller ids than their children.</summary>
    public long Id { get; }

    /// <summary>True for a trainable parameter (weights and biases); set by <see cref="Scalar.Neuron"/>
    /// and by <see cref="Parameter(double, string?)"/>. Views colour parameters differently from inputs.</summary>
    public bool IsParameter
    {
        get => (_shape & ParameterFlag) != 0;
        set => _shape = value ? _shape | ParameterFlag : _shape & ~ParameterFlag;
    }

    /// <summary>True for a constant folded into an expression (the 3 in <c>3 * x</c>).</summary>
    public bool IsConstant
    {
        get => (_shape & ConstantFlag) != 0;
        private init => _shape = value ? _shape | ConstantFlag : _shape & ~ConstantFlag;
    }

    /// <summary>True when this value was not computed from other values.</summary>
    public bool IsLeaf => ParentCount == 0;

    /// <summary>How many parents this value has (0 for a leaf).</summary>
    public int ParentCount => _shape & ArityMask;

    /// <summary>The <paramref name="index"/>-th value this one was computed from.</summary>
    public Value GetParent(int index)
    {
        CheckParentIndex(index);
        return ParentAt(index);
    }

    /// <summary>The local derivative ∂this/∂parent for the <paramref name="index"/>-th parent,
    /// evaluated during the forward pass.</summary>
    public double GetLocalGradient(int index)
    {
        CheckParentIndex(index);
        return LocalAt(index);
    }

    /// <summary>The values this one was computed from, in operand order (a value used twice, as in
    /// <c>x * x</c>, appears twice). Allocates a new list on each call.</summary>
    public IReadOnlyList<Value> Parents
    {
        get
        {
            var parents = new Value[ParentCount];
            for (int i = 0; i < ParentCount; i++) parents[i] = GetParent(i);
            return parents;
        }
    }

    /// <summary>∂this/∂parent for each entry of <see cref="Parents"/>. Allocates a new list on each call.</summary>
    public IReadOnlyList<double> LocalGradients
    {
        get
        {
            var locals = new double[ParentCount];
            for (int i = 0; i < ParentCount; i++) locals[i] = GetLocalGradient(i);
            return locals;
        }
    }

    /// <summary>Creates a trainable parameter (a leaf with <see cref="IsParameter"/> set).</summary>
    public static Value Parameter(double data, string? label = null) => new(data, label) { IsParameter = true };

    /// <summary>Creates a constant leaf, as used when a <see cref="double"/> meets a <see cref="Value"/>.</summary>
    public static Value Constant(double data) => new(data) { IsConstant = true };

    /// <summary>A double used where a value is expected becomes a constant leaf.</summary>
    public static implicit operator Value(double data) => Constant(data);

    /// <summary>A short name for messages and views: the label, else the op and id.</summary>
    public string DisplayName =>
        Label ?? (IsLeaf ? (IsConstant ? Format(Data) : $"v{Id}") : $"{Op}#{Id}");

    /// <summary>micrograd's representation, e.g. <c>Value(x: data=2, grad=16)</c>.</summary>
    public override string ToString() =>
        Label is null ? $"Value(data={Format(Data)}, grad={Format(Grad)})"
                      : $"Value({Label}: data={Format(Data)}, grad={Format(Grad)})";

    internal static string Format(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    private void CheckParentIndex(int index)
    {
        if ((uint)index >= (uint)ParentCount)
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"Value {DisplayName} has {ParentCount} parent(s); expected an index in [0, {ParentCount}).");
    }

    // ---- node construction: every op goes through one of these -------------------------------

    /// <summary>A node with one parent and local derivative ∂result/∂x = <paramref name="dx"/>.</summary>
    internal static Value Unary(string op, double data, Value x, double dx) =>
        NoGrad.IsActive ? new Value(data) : new Value(data, op, 1, x, dx, null, 0);

    /// <summary>A node with two parents and their local derivatives.</summary>
    internal static Value Binary(string op, double data, Value a, double da, Value b, double db) =>
        NoGrad.IsActive ? new Value(data) : new Value(data, op, 2, a, da, b, db);

    /// <summary>A sum node over any number of parents, each with local derivative 1; the array is owned
    /// by the node afterwards (the caller must not change it).</summary>
    internal static Value NarySum(string op, double data, Value[] parents)
    {
        if (NoGrad.IsActive) return new Value(data);
        if (parents.Length > ArityMask)
            throw new ArgumentException($"{op}: expected at most {ArityMask} operands, got {parents.Length}.", nameof(parents));
        return parents.Length switch
        {
            0 => new Value(data),
            1 => new Value(data, op, 1, parents[0], 1.0, null, 0),
            2 => new Value(data, op, 2, parents[0], 1.0, parents[1], 1.0),
            _ => new Value(data, op, parents.Length, parents, 0, null, 0),
        };
    }
}
