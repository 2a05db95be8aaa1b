using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop;

// The autograd engine: recording operations (the extension point every op goes through), gradients,
// and the iterative backward pass.
public sealed partial class Tensor
{
    private static volatile bool s_detectAnomaly;

    private Tensor? _grad;          // leaf gradient (accumulates), or a retained non-leaf gradient
    private Tensor? _pendingGrad;   // ∂L/∂this of a non-leaf during one backward pass
    private bool _retainGrad;
    private int _mark;              // traversal stamp (see TopologicalOrder)
    private Saved _saved;           // which tensors the backward function reads
    private int[]? _savedVersions;  // their versions when recorded: parents first, then the result

    /// <summary>
    /// Opt-in NaN/∞ detection for the whole process, like PyTorch's <c>detect_anomaly</c>: while true,
    /// every operation checks its result and every backward step checks the gradients it produced, and
    /// the first operation that turns finite numbers into NaN or ±∞ throws a
    /// <see cref="NonFiniteTensorException"/> naming it. Off by default (the checks cost a pass over each result).
    /// </summary>
    public static bool DetectAnomaly
    {
        get => s_detectAnomaly;
        set => s_detectAnomaly = value;
    }

    /// <summary>
    /// Whether gradients flow into this tensor. Settable on leaves only (inputs, parameters); a computed
    /// tensor requires gradients exactly when one of its inputs does.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a non-leaf.</exception>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!IsLeaf)
                throw new InvalidOperationException(
                    $"RequiresGrad: {DisplayName} was computed by '{Op}', so it is not a leaf; only leaves can change " +
                    "RequiresGrad. Use Detach() for a leaf copy of it that shares its data.");
            _requiresGrad = value;
            if (value) KeepBeyondScopes(); // a parameter: never released by a scope
        }
    }

    /// <summary>
    /// ∂L/∂this after <see cref="Backward(Tensor?, bool)"/>: set on leaves that require gradients (where it
    /// accumulates across passes), and on non-leaves marked with <see cref="RetainGrad"/> or differentiated with
    /// <c>retainAllGrads</c>. Null until then. It has this tensor's shape and dtype and records no graph.
    /// </summary>
    /// <exception cref="ShapeMismatchException">Set to a tensor of another shape.</exception>
    public Tensor? Grad
    {
        get => _grad;
        set
        {
            if (value is not null)
            {
                if (!Shapes.Equal(value._shape, _shape))
                    throw new ShapeMismatchException("Grad", _shape, value._shape,
                        $"Grad: cannot assign a gradient of shape {Shapes.Format(value._shape)} to a tensor of shape {Shapes.Format(_shape)}; expected equal shapes.");
                Shapes.CheckSameDType("Grad", this, value);
            }
            _grad = value;
        }
    }

    /// <summary>Sets every element of <see cref="Grad"/> to zero in place, keeping the buffer (no-op when there is none).</summary>
    public void ZeroGrad()
    {
        if (_grad is null) return;
        if (_grad._storage is float[] f) Kernels.InHalves.Clear<float>(f);
        else Kernels.InHalves.Clear<double>((double[])_grad._storage);
    }

    /// <summary>Keeps ∂L/∂this in <see cref="Grad"/> after backward passes although this tensor is not a
    /// leaf (PyTorch's <c>retain_grad()</c>). Returns this tensor.</summary>
    public Tensor RetainGrad()
    {
        _retainGrad = true;
        return this;
    }

    /// <summary>True when <see cref="RetainGrad"/> was called on this tensor.</summary>
    public bool RetainsGrad => _retainGrad;

    /// <summary>A new leaf sharing this tensor's data (writes to one show in the other) that records no
    /// graph and does not require gradients: gradients stop here.</summary>
    public Tensor Detach()
    {
        Tensor detached = SharingStorage(_shape);
        detached.Label = Label;
        return detached;
    }

    // ---- the extension point --------------------------------------------------------------------

    /// <summary>
    /// Records an operation: the single way a node enters the graph. Every op in this folder (and any fused
    /// op elsewhere in Core, e.g. softmax + cross-entropy or a fused linear layer) computes its forward result
    /// into a fresh tensor, then calls this with its inputs and a <see cref="BackwardFunction"/> that turns
    /// ∂L/∂result into ∂L/∂input for each input.
    /// </summary>
    /// <remarks>
    /// <para>Contract for <paramref name="backward"/>: read the upstream gradient from
    /// <see cref="BackwardContext.OutputGrad"/>; for each input i with <see cref="BackwardContext.NeedsGrad"/>(i),
    /// <b>add</b> (never assign) its contribution into <see cref="BackwardContext.Grad{T}"/>(i), a zero-initialised
    /// or already-accumulating buffer of that input's shape (an input used twice gets both contributions).
    /// Do not modify the inputs, the output or the upstream gradient. Capture whatever the forward pass must
    /// save (inputs, arg-max indices, ...) in the closure.</para>
    /// <para>When recording is off (inside <see cref="NoGrad"/>) or no input requires gradients, the result
    /// is returned as a plain leaf and <paramref name="backward"/> is dropped.</para>
    /// </remarks>
    /// <param name="op">The op: its name (shown by <see cref="Op"/> and in error messages) and derivative formulas.</param>
    /// <param name="result">The freshly computed output (a leaf with no graph yet).</param>
    /// <param name="parents">The inputs, in operand order; the array is owned by the node afterwards.</param>
    /// <param name="backward">The local backward step.</param>
    /// <param name="saved">Which tensors <paramref name="backward"/> reads (default: the inputs and the result). Their
    /// <see cref="Version"/>s are recorded now, and the backward pass refuses to run the step if any has changed
    /// since (an in-place write after the forward pass). Pass <see cref="Saved.None"/> for a step that reads only
    /// the upstream gradient (sums, views, copies), so writes into its inputs stay legal, as in PyTorch.</param>
    internal static Tensor Record(TensorOp op, Tensor result, Tensor[] parents, BackwardFunction backward, Saved saved = Saved.InputsAndResult)
    {
        TensorScope.Track(result);
        if (s_detectAnomaly) CheckForward(op.Name, result, parents);
        if (NoGrad.IsActive) return result;
        bool any = false;
        foreach (Tensor p in parents) any |= p._requiresGrad;
        if (!any) return result;
        result.Operation = op;
        result._parents = parents;
        result._backward = backward;
        result._requiresGrad = true;
        if (saved != Saved.None)
        {
            result._saved = saved;
            var versions = new int[parents.Length + 1];
            for (int i = 0; i < parents.Length; i++) versions[i] = parents[i].Version;
            versions[^1] = result.Version;
            result._savedVersions = versions;
        }
        return result;
    }

    /// <summary>Throws if a tensor this node's backward step reads was written in place after it was recorded.</summary>
    private void CheckSavedVersions()
    {
        int[] versions = _savedVersions!;
        if ((_saved & Saved.Inputs) != 0)
            for (int i = 0; i < _parents.Length; i++)
                if (_parents[i].Version != versions[i]) ThrowModified(_parents[i], $"input {i}", versions[i]);
        if ((_saved & Saved.Result) != 0 && Version != versions[^1]) ThrowModified(this, "result", versions[^1]);
    }

    private void ThrowModified(Tensor saved, string role, int version) =>
        throw new InvalidOperationException(
            $"Backward: one of the tensors needed for gradient computation has been modified by an in-place operation: " +
            $"{saved.DisplayName} {Shapes.Format(saved._shape)}, the {role} of '{Op}' ({DisplayName}), was saved at version {version} " +
            $"and is now at version {saved.Version}. Expected no writes (indexer, Fill, AsSpan, a destination overload, an optimizer " +
            "step) into it between the forward pass and Backward: run the forward pass again after changing it, or write into a copy.");

    private static void CheckForward(string op, Tensor result, Tensor[] parents)
    {
        if (AllFinite(result)) return;
        foreach (Tensor p in parents)
            if (!AllFinite(p)) return; // a non-finite input: the op that made it already reported (or it is a leaf)
        throw new NonFiniteTensorException(op, result,
            $"Forward: '{op}' produced {Describe(result)} in its result of shape {Shapes.Format(result._shape)} from finite inputs " +
            $"({string.Join(", ", Array.ConvertAll(parents, p => Shapes.Format(p._shape)))}).");
    }

    internal static bool AllFinite(Tensor t) =>
        t._storage is float[] f ? TensorPrimitives.IsFiniteAll<float>(f) : TensorPrimitives.IsFiniteAll<double>((double[])t._storage);

    private static string Describe(Tensor t)
    {
        bool nan = t._storage is float[] f ? TensorPrimitives.IsNaNAny<float>(f) : TensorPrimitives.IsNaNAny<double>((double[])t._storage);
        return nan ? "NaN" : "±∞";
    }

    // ---- traversal ------------------------------------------------------------------------------

    internal Tensor[] ParentArray => _parents;

    /// <summary>
    /// Every tensor this one depends on, each once, ordered so that every parent comes before its children;
    /// this tensor is last. Iterative: a chain of millions of nodes does not touch the call stack.
    /// </summary>
    public IReadOnlyList<Tensor> TopologicalOrder() => TopologicalSort.Order<Tensor, GraphAccess>(this);

    private struct GraphAccess : IGraphAccess<Tensor>
    {
        public static int ParentCount(Tensor node) => node._parents.Length;
        public static Tensor Parent(Tensor node, int index) => node._parents[index];
        public static ref int Mark(Tensor node) => ref node._mark;
    }

    // ---- the backward pass ----------------------------------------------------------------------

    /// <summary>
    /// Backpropagation: adds ∂this/∂x to the <see cref="Grad"/> of every leaf x that requires gradients.
    /// </summary>
    /// <remarks>
    /// <para>Without <paramref name="gradient"/> this must be a one-element tensor (a scalar loss) and the seed
    /// is 1. With it, the seed is <paramref name="gradient"/> (same shape), i.e. this computes the
    /// vector–Jacobian product, as PyTorch's <c>backward(gradient)</c>.</para>
    /// <para>Leaf gradients <b>accumulate</b> (in place, in the same buffer) until <see cref="ZeroGrad"/>.
    /// Intermediate gradients are dropped after use unless the node called <see cref="RetainGrad"/> or
    /// <paramref name="retainAllGrads"/> is true (the inspection mode a notebook uses to show ∂L/∂node on
    /// every node). With <see cref="DetectAnomaly"/>, the first backward step producing NaN/∞ throws.</para>
    /// </remarks>
    /// <param name="gradient">∂L/∂this; null for a scalar (seed 1).</param>
    /// <param name="retainAllGrads">Keep ∂L/∂node in <see cref="Grad"/> on every node of the graph.</param>
    /// <exception cref="InvalidOperationException">No gradient was given and this tensor has more than one
    /// element, or this tensor does not require gradients.</exception>
    /// <exception cref="ShapeMismatchException"><paramref name="gradient"/> has another shape.</exception>
    public void Backward(Tensor? gradient = null, bool retainAllGrads = false)
    {
        if (!_requiresGrad)
            throw new InvalidOperationException(
                $"Backward: {DisplayName} {Shapes.Format(_shape)} does not require gradients and has no recorded operation; " +
                "expected a tensor computed from leaves with RequiresGrad = true (outside a NoGrad scope).");
        if (gradient is null)
        {
            if (ElementCount != 1)
                throw new InvalidOperationException(
                    $"Backward: the tensor has shape {Shapes.Format(_shape)} ({ElementCount} elements); Backward() without a " +
                    "gradient needs a one-element tensor (a scalar loss). Reduce it first (e.g. .Sum() or .Mean()) or pass " +
                    $"∂L/∂output of shape {Shapes.Format(_shape)} as Backward(gradient).");
        }
        else
        {
            if (!Shapes.Equal(gradient._shape, _shape))
                throw new ShapeMismatchException("Backward", _shape, gradient._shape,
                    $"Backward: cannot seed a tensor of shape {Shapes.Format(_shape)} with a gradient of shape {Shapes.Format(gradient._shape)}; expected equal shapes.");
            Shapes.CheckSameDType("Backward", this, gradient);
            if (s_detectAnomaly && !AllFinite(gradient))
                throw new NonFiniteTensorException("Backward", this, $"Backward: the seed gradient contains {Describe(gradient)}.");
        }

        Tensor[] buffer = TopologicalSort.Rent<Tensor>(); // pooled: a training step's backward allocates no list
        int count = -1; // -1 until the traversal returns: Return then clears the whole buffer
        try
        {
            count = TopologicalSort.Order<Tensor, GraphAccess>(this, ref buffer);
            Span<Tensor> order = buffer.AsSpan(0, count);

            // Seed ∂L/∂this.
            Tensor seed = Accumulator();
            if (gradient is null) AddScalarInPlace(seed, 1.0);
            else AddInPlace(seed, gradient);

            try
            {
                RunBackward(order, new BackwardContext(), retainAllGrads);
            }
            finally
            {
                foreach (Tensor node in order) node._pendingGrad = null; // nothing stale survives an exception
            }
        }
        finally
        {
            TopologicalSort.Return(buffer, count);
        }
    }

    private static void RunBackward(Span<Tensor> order, BackwardContext ctx, bool retainAllGrads)
    {
        for (int i = order.Length - 1; i >= 0; i--)
        {
            Tensor node = order[i];
            Tensor? g = node._pendingGrad;
            if (g is null) continue; // a leaf without hooks (it accumulates into Grad directly), or not on a path from the output
            if (node._hooks is not null) node.ApplyHooks(g);
            if (node.IsLeaf) // a hooked leaf: this pass's gradient, after the hooks, joins Grad
            {
                node._pendingGrad = null;
                if (node._grad is null) node._grad = g;
                else { AddInPlace(node._grad, g); StoragePool.Return(g); }
                continue;
            }
            if (node._savedVersions is not null) node.CheckSavedVersions();
            ctx.Output = node;
            ctx.OutputGrad = g;
            node._backward!(ctx);
            if (s_detectAnomaly) CheckBackward(node, g);
            node._pendingGrad = null;
            if (retainAllGrads || node._retainGrad)
            {
                if (node._grad is null) node._grad = g;
                else { AddInPlace(node._grad, g); StoragePool.Return(g); }
            }
            else StoragePool.Return(g); // passed on: its buffer serves the next step
        }
    }

    /// <summary>The buffer that accumulates ∂L/∂this during a backward pass: the leaf's own <see cref="Grad"/>
    /// (created once, then reused), or a pending buffer for a non-leaf or a leaf with hooks (they must see this
    /// pass's gradient alone).</summary>
    internal Tensor Accumulator()
    {
        if (_array is null) throw ReleasedError(); // a released node or leaf takes no gradient
        if (IsLeaf && _hooks is null) return _grad ??= NewZeros();
        return _pendingGrad ??= StoragePool.Zeros(_shape, DType);
    }

    private static void CheckBackward(Tensor node, Tensor upstream)
    {
        if (!AllFinite(upstream)) return;
        for (int k = 0; k < node._parents.Length; k++)
        {
            Tensor p = node._parents[k];
            if (!p._requiresGrad) continue;
            Tensor acc = p._pendingGrad ?? p._grad!;
            if (!AllFinite(acc))
                throw new NonFiniteTensorException(node.Op, node,
                    $"Backward: the backward step of '{node.Op}' ({node.DisplayName}, shape {Shapes.Format(node._shape)}) produced " +
                    $"{Describe(acc)} in the gradient of its input {k} ({p.DisplayName}, shape {Shapes.Format(p._shape)}) from a finite upstream gradient.");
        }
    }

    private static void AddInPlace(Tensor target, Tensor source)
    {
        if (target._storage is float[] f) TensorPrimitives.Add(f, (float[])source._storage, f);
        else { var d = (double[])target._storage; TensorPrimitives.Add(d, (double[])source._storage, d); }
    }

    private static void AddScalarInPlace(Tensor target, double value)
    {
        if (target._storage is float[] f) TensorPrimitives.Add(f, (float)value, f);
        else { var d = (double[])target._storage; TensorPrimitives.Add(d, value, d); }
    }
}

/// <summary>
/// One local backward step: reads ∂L/∂output from <see cref="BackwardContext.OutputGrad"/> and adds
/// ∂L/∂input into <see cref="BackwardContext.Grad{T}"/> for each input that needs it.
/// See <see cref="Tensor.Record"/> for the contract.
/// </summary>
internal delegate void BackwardFunction(BackwardContext ctx);

/// <summary>What a <see cref="BackwardFunction"/> sees: the node, its upstream gradient and its inputs'
/// gradient accumulators. One instance is reused for every node of a backward pass.</summary>
internal sealed class BackwardContext
{
    /// <summary>The node being differentiated (its data is the forward result).</summary>
    public Tensor Output = null!;

    /// <summary>∂L/∂<see cref="Output"/>, same shape and dtype as the output.</summary>
    public Tensor OutputGrad = null!;

    /// <summary>Input <paramref name="i"/> of the node.</summary>
    public Tensor Input(int i) => Output.ParentArray[i];

    /// <summary>The element type of the node.</summary>
    public DType DType => Output.DType;

    /// <summary>The upstream gradient's elements.</summary>
    public ReadOnlySpan<T> Upstream<T>() where T : unmanaged => OutputGrad.Data<T>();

    /// <summary>The forward result's elements.</summary>
    public ReadOnlySpan<T> Result<T>() where T : unmanaged => Output.Data<T>();

    /// <summary>True when input <paramref name="i"/> requires gradients (skip it otherwise).</summary>
    public bool NeedsGrad(int i) => Output.ParentArray[i].RequiresGrad;

    /// <summary>The accumulator of ∂L/∂input <paramref name="i"/>, shaped like that input: add into it.</summary>
    public Span<T> Grad<T>(int i) where T : unmanaged
    {
        Tensor parent = Output.ParentArray[i];
        if (!parent.RequiresGrad)
            throw new InvalidOperationException($"Backward of '{Output.Op}': input {i} does not require gradients; check NeedsGrad({i}) first.");
        return parent.Accumulator().Data<T>();
    }
}

/// <summary>Which tensors a <see cref="BackwardFunction"/> reads, so the backward pass can check that none was
/// written in place since the forward pass (see <see cref="Tensor.Version"/>).</summary>
[Flags]
internal enum Saved
{
    /// <summary>Only the upstream gradient (and shapes or indices captured in the closure).</summary>
    None = 0,
    /// <summary>The inputs' data.</summary>
    Inputs = 1,
    /// <summary>The forward result's data.</summary>
    Result = 2,
    /// <summary>Both.</summary>
    InputsAndResult = Inputs | Result,
}
