namespace Backprop;

/// <summary>
/// A region of code whose op results die at its end: <c>using (Tensor.Scope()) { … }</c>. Every tensor an operation
/// creates inside it (forward activations, the loss, views, results of elementwise ops) is released when the scope
/// ends, and its storage goes back to a per-thread pool that the next step's operations take their storage from, so
/// a training step over a fixed graph shape allocates no new arrays after the first one.
/// </summary>
/// <remarks>
/// <para>Released tensors throw <see cref="ObjectDisposedException"/> (naming the tensor and its op) on every use of
/// their data: reading, writing, views, <see cref="Tensor.Backward(Tensor?, bool)"/> through them. They never read
/// recycled memory. To keep a result, call <see cref="Tensor.MoveToOuterScope"/> on it before the scope ends (it then
/// belongs to the enclosing scope, or to the garbage collector outside every scope), or copy the numbers out
/// (<see cref="Tensor.Item"/>, <see cref="Tensor.ToArray"/>).</para>
/// <para>What a scope never releases: tensors made by factories (<see cref="Tensor.Zeros(int[])"/>,
/// <see cref="Tensor.FromArray(float[], int[])"/>, …: inputs, parameters, module buffers), tensors given
/// <see cref="Tensor.RequiresGrad"/> = true, registered as a module's parameter or buffer or held by a
/// <c>TensorDataset</c> (even when an op inside the scope made them), gradients (<see cref="Tensor.Grad"/>), and
/// tensors made before it began. A storage shared by several tensors (a view, a
/// <see cref="Tensor.Detach"/>ed copy) goes back to the pool only when every tensor over it is released, so a view
/// kept after the scope, or a detached leaf, keeps its data.</para>
/// <para>Scopes nest, belong to the thread that began them, and end in reverse order. A <c>default</c> instance does
/// nothing; ending a scope twice is harmless. <c>Trainer.Fit</c> runs each step in a scope of its own.</para>
/// </remarks>
public readonly struct TensorScope : IDisposable
{
    [ThreadStatic] private static Frame? t_innermost;
    [ThreadStatic] private static Frame? t_outermost; // frames are reused: beginning a scope allocates nothing

    private readonly Frame? _frame;
    private readonly int _generation;

    private TensorScope(Frame frame)
    {
        _frame = frame;
        _generation = frame.Generation;
    }

    /// <summary>True while a scope is open on the calling thread (ops then take storage from the pool).</summary>
    internal static bool IsActive => t_innermost is not null;

    /// <summary>The number of tensors recorded in this scope so far, moved-out ones included (0 once it has ended).</summary>
    public int Count => IsOpen ? _frame!.Tracked.Count : 0;

    private bool IsOpen => _frame is not null && _frame.Open && _frame.Generation == _generation;

    /// <summary>Opens a scope on the calling thread, nested in the current one if any.</summary>
    internal static TensorScope Begin()
    {
        Frame? outer = t_innermost;
        Frame frame = outer is null ? t_outermost ??= new Frame(null) : outer.Inner ??= new Frame(outer);
        frame.Generation++;
        frame.Open = true;
        t_innermost = frame;
        return new TensorScope(frame);
    }

    /// <summary>Makes <paramref name="result"/> (an op's fresh result) belong to the innermost open scope, if any.</summary>
    internal static void Track(Tensor result)
    {
        Frame? frame = t_innermost;
        if (frame is null) return;
        result.OwningScope = frame;
        frame.Tracked.Add(result);
    }

    /// <summary>Moves <paramref name="tensor"/> from its scope to the enclosing one (or out of every scope).</summary>
    internal static void MoveOut(Tensor tensor)
    {
        Frame? outer = tensor.OwningScope?.Outer;
        tensor.OwningScope = outer;
        outer?.Tracked.Add(tensor);
    }

    /// <summary>Ends the scope: releases every tensor created in it and not moved out (see the remarks).</summary>
    /// <exception cref="InvalidOperationException">An inner scope is still open, or this is not the thread that began it.</exception>
    public void Dispose()
    {
        if (!IsOpen) return;
        Frame frame = _frame!;
        if (t_innermost != frame)
            throw new InvalidOperationException(
                "TensorScope.Dispose: this scope is not the innermost open scope of the calling thread; expected scopes to end " +
                "in reverse order of beginning, on the thread that began them (end the inner scope first).");
        List<Tensor> tracked = frame.Tracked;
        for (int i = 0; i < tracked.Count; i++)
            if (tracked[i].OwningScope == frame) tracked[i].Release();
        tracked.Clear();
        if (tracked.Capacity > Frame.KeptCapacity) frame.Tracked = new List<Tensor>(); // a one-off huge graph
        frame.Open = false;
        t_innermost = frame.Outer;
    }

    /// <summary>One nesting level of a thread's scopes, reused by the next scope at that level.</summary>
    internal sealed class Frame(Frame? outer)
    {
        internal const int KeptCapacity = 1 << 14;
        public readonly Frame? Outer = outer;
        public Frame? Inner;
        public List<Tensor> Tracked = [];
        public int Generation;
        public bool Open;
    }
}
