using System.Text;

namespace Backprop.NN;

/// <summary>
/// A piece of a network (a layer, an activation, a whole model) that maps a tensor to a tensor and may own
/// parameters and child modules, PyTorch's <c>nn.Module</c>.
/// </summary>
/// <remarks>
/// <para>Parameters and children are registered by name in the constructor (<see cref="RegisterParameter"/>,
/// <see cref="RegisterModule{T}"/>); <see cref="NamedParameters"/> walks the tree depth-first in registration
/// order and joins names with dots, so the weight of the first layer of a <see cref="Sequential"/> is
/// "0.Weight". That order is the order of <see cref="Parameters"/>, of optimizers' state and of saved files.</para>
/// <para>Parameters are leaf tensors with <see cref="Tensor.RequiresGrad"/> = true; their
/// <see cref="Tensor.Grad"/> accumulates across backward passes until <see cref="ZeroGrad"/>.</para>
/// </remarks>
[Formatting.TypeFormatterSource(typeof(Formatting.NotebookFormatterSource))]
public abstract class Module
{
    private readonly List<(string Name, Tensor Parameter)> _parameters = [];
    private readonly List<(string Name, Tensor Buffer)> _buffers = [];
    private readonly List<(string Name, Module Child)> _children = [];

    /// <summary>Computes the module's output for <paramref name="input"/> (recording the graph unless inside <see cref="NoGrad"/>).</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>. Layers whose behaviour
    /// differs between training and evaluation (dropout, batch norm) read it.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Sets training mode on this module and every descendant; returns this module.</summary>
    /// <param name="mode">True for training, false for evaluation.</param>
    public Module Train(bool mode = true)
    {
        var stack = new Stack<Module>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            Module m = stack.Pop();
            m.IsTraining = mode;
            foreach (var (_, child) in m._children) stack.Push(child);
        }
        return this;
    }

    /// <summary>Sets evaluation mode on this module and every descendant (<c>Train(false)</c>); returns this module.</summary>
    public Module Eval() => Train(false);

    /// <summary>
    /// Registers <paramref name="parameter"/> under <paramref name="name"/> and marks it
    /// <see cref="Tensor.RequiresGrad"/>. Returns the parameter.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, contains '.', or is already used.</exception>
    /// <exception cref="InvalidOperationException">The tensor is not a leaf.</exception>
    protected Tensor RegisterParameter(string name, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        CheckName(name);
        if (!parameter.IsLeaf)
            throw new InvalidOperationException(
                $"{GetType().Name}.RegisterParameter: '{name}' was computed by '{parameter.Op}'; a parameter must be a leaf tensor (use Detach()).");
        parameter.RequiresGrad = true;
        parameter.Label ??= name;
        _parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>
    /// Registers <paramref name="buffer"/>, state that is not trained but belongs to the model (a batch norm's running
    /// statistics, PyTorch's <c>register_buffer</c>): saved and loaded with the parameters (<see cref="NamedState"/>),
    /// never given to an optimizer. Returns the buffer.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, contains '.', or is already used.</exception>
    /// <exception cref="InvalidOperationException">The tensor requires gradients or is not a leaf.</exception>
    protected Tensor RegisterBuffer(string name, Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        CheckName(name);
        if (!buffer.IsLeaf || buffer.RequiresGrad)
            throw new InvalidOperationException(
                $"{GetType().Name}.RegisterBuffer: '{name}' must be a leaf tensor that does not require gradients; register trainable tensors with RegisterParameter.");
        buffer.Label ??= name;
        buffer.KeepBeyondScopes(); // module state outlives every TensorScope
        _buffers.Add((name, buffer));
        return buffer;
    }

    /// <summary>Registers <paramref name="module"/> as a child named <paramref name="name"/>. Returns the child.</summary>
    /// <exception cref="ArgumentException">The name is empty, contains '.', or is already used.</exception>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        if (ReferenceEquals(module, this) || module.Contains(this))
            throw new ArgumentException($"{GetType().Name}.RegisterModule: '{name}' already contains this module; a module tree cannot have cycles.", nameof(module));
        _children.Add((name, module));
        return module;
    }

    /// <summary>True when <paramref name="module"/> is this module or one of its descendants.</summary>
    private bool Contains(Module module)
    {
        var stack = new Stack<Module>();
        stack.Push(this);
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        while (stack.Count > 0)
        {
            Module m = stack.Pop();
            if (ReferenceEquals(m, module)) return true;
            if (!seen.Add(m)) continue;
            foreach (var (_, child) in m._children) stack.Push(child);
        }
        return false;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: invalid name '{name}'; expected a non-empty name without '.'.", nameof(name));
        foreach (var (n, _) in _parameters)
            if (n == name) throw new ArgumentException($"{GetType().Name}: the name '{name}' is already used by a parameter.", nameof(name));
        foreach (var (n, _) in _buffers)
            if (n == name) throw new ArgumentException($"{GetType().Name}: the name '{name}' is already used by a buffer.", nameof(name));
        foreach (var (n, _) in _children)
            if (n == name) throw new ArgumentException($"{GetType().Name}: the name '{name}' is already used by a child module.", nameof(name));
    }

    /// <summary>This module's own parameters (not its children's), in registration order.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> OwnParameters() => _parameters;

    /// <summary>The direct children, in registration order.</summary>
    public IEnumerable<(string Name, Module Child)> NamedChildren() => _children;

    /// <summary>
    /// Every parameter of this module and its descendants with its dotted path ("Weight", "0.Weight",
    /// "encoder.2.Bias"): own parameters first, then each child's in registration order. A tensor shared
    /// between modules is listed once, under its first name.
    /// </summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var result = new List<(string, Tensor)>();
        Collect(this, "", seen, result);
        return result;
    }

    private static void Collect(Module module, string prefix, HashSet<Tensor> seen, List<(string, Tensor)> result)
    {
        foreach (var (name, p) in module._parameters)
            if (seen.Add(p)) result.Add((prefix + name, p));
        foreach (var (name, child) in module._children)
            Collect(child, prefix + name + ".", seen, result);
    }

    /// <summary>Every buffer of this module and its descendants with its dotted path ("1.RunningMean"), in the order of
    /// <see cref="NamedParameters"/>.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers() => NamedState().Where(s => s.IsBuffer).Select(s => (s.Name, s.Tensor));

    /// <summary>
    /// What a saved model holds (PyTorch's <c>state_dict</c>): for each module depth-first, its parameters, then its
    /// buffers, then its children's. Without buffers this is <see cref="NamedParameters"/>. A tensor shared between
    /// modules is listed once, under its first name.
    /// </summary>
    public IEnumerable<(string Name, Tensor Tensor, bool IsBuffer)> NamedState()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var result = new List<(string, Tensor, bool)>();
        var stack = new Stack<(string Prefix, Module Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (prefix, module) = stack.Pop();
            foreach (var (name, p) in module._parameters)
                if (seen.Add(p)) result.Add((prefix + name, p, false));
            foreach (var (name, b) in module._buffers)
                if (seen.Add(b)) result.Add((prefix + name, b, true));
            for (int i = module._children.Count - 1; i >= 0; i--) stack.Push((prefix + module._children[i].Name + ".", module._children[i].Child));
        }
        return result;
    }

    /// <summary>Every parameter tensor, in the order of <see cref="NamedParameters"/>.</summary>
    public IReadOnlyList<Tensor> Parameters()
    {
        var list = new List<Tensor>();
        foreach (var (_, p) in NamedParameters()) list.Add(p);
        return list;
    }

    /// <summary>The number of trainable scalars: the sum of the element counts of <see cref="Parameters"/>
    /// (a Linear(2, 16) has 2·16 + 16 = 48).</summary>
    public int ParameterCount
    {
        get
        {
            int count = 0;
            foreach (Tensor p in Parameters()) count += p.ElementCount;
            return count;
        }
    }

    /// <summary>Zeros every parameter's gradient in place (keeping the buffers); call before each backward pass.</summary>
    public void ZeroGrad()
    {
        foreach (Tensor p in Parameters()) p.ZeroGrad();
    }

    /// <summary>The arguments shown between the parentheses of <see cref="ToString"/>, e.g.
    /// "in_features=2, out_features=16, bias=True" for a Linear layer. Empty by default.</summary>
    protected virtual string ExtraRepresentation() => "";

    /// <summary>A PyTorch-style architecture summary: the type, its arguments and, indented, each child as "(name): …".</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Append(sb, 0);
        return sb.ToString();
    }

    private void Append(StringBuilder sb, int indent)
    {
        sb.Append(GetType().Name).Append('(').Append(ExtraRepresentation());
        if (_children.Count == 0)
        {
            sb.Append(')');
            return;
        }
        sb.Append('\n');
        foreach (var (name, child) in _children)
        {
            sb.Append(' ', 2 * (indent + 1)).Append('(').Append(name).Append("): ");
            child.Append(sb, indent + 1);
            sb.Append('\n');
        }
        sb.Append(' ', 2 * indent).Append(')');
    }
}
