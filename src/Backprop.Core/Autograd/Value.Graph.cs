namespace Backprop;

// The backward pass: topological order without recursion, then the chain rule one link at a time.
public sealed partial class Value
{
    /// <summary>
    /// Every value this one depends on, each once, ordered so that every parent comes before its
    /// children; this value is last. Iterative: a chain of millions of nodes does not touch the stack.
    /// </summary>
    public IReadOnlyList<Value> TopologicalOrder() => TopologicalSort.Order<Value, GraphAccess>(this);

    private struct GraphAccess : IGraphAccess<Value>
    {
        public static int ParentCount(Value node) => node.ParentCount;
        public static Value Parent(Value node, int index) => node.ParentAt(index);
        public static ref int Mark(Value node) => ref node._mark;
    }

    // The i-th parent and ∂this/∂parent (see the field comments in Value.cs); i is in [0, ParentCount).
    private Value ParentAt(int i) => ParentCount <= 2 ? (i == 0 ? (Value)_p0! : _p1!) : ((Value[])_p0!)[i];

    private double LocalAt(int i) => ParentCount <= 2 ? (i == 0 ? _d0 : _d1) : 1.0;

    /// <summary>
    /// Backpropagation: adds ∂this/∂v to <see cref="Grad"/> of every value v this one depends on
    /// (this value included, whose own gradient is the seed).
    /// </summary>
    /// <remarks>
    /// <para>A value reached through several paths receives the sum of the sub-gradients of all of
    /// them (note 001's "add these up"). Gradients <b>accumulate</b>: calling <c>Backward()</c> twice
    /// without <see cref="ZeroGrad"/> in between adds the same gradients again, exactly as PyTorch
    /// does with leaf gradients; call <see cref="ZeroGrad"/> (or a network's <c>ZeroGrad()</c>) first.</para>
    /// <para>NaN and infinity are propagated, never hidden. With <paramref name="detectAnomaly"/>, the
    /// pass instead throws a <see cref="NonFiniteValueException"/> naming the first node whose forward
    /// value or whose local derivative turned finite numbers into a non-finite one; gradients are then
    /// left as they were.</para>
    /// </remarks>
    /// <param name="seed">∂this/∂this, 1 by default.</param>
    /// <param name="detectAnomaly">Check every forward value and gradient contribution for NaN/∞.</param>
    public void Backward(double seed = 1.0, bool detectAnomaly = false)
    {
        Value[] order = TopologicalSort.Rent<Value>();
        int n = -1; // -1 until the traversal returns: Return then clears the whole buffer
        try
        {
            // Every node's _passGrad (∂this/∂node for this pass only) starts at 0 and is added to Grad
            // once complete, so gradients accumulate across passes while each pass propagates its own.
            n = OrderForBackward(ref order);
            if (detectAnomaly)
            {
                CheckForwardFinite(order.AsSpan(0, n));
                if (!double.IsFinite(seed))
                    throw new NonFiniteValueException(this, $"Backward: the seed gradient is {Format(seed)}; expected a finite number.");
                _passGrad = seed;
                PropagateChecked(order.AsSpan(0, n));
                for (int i = 0; i < n; i++) order[i].Grad += order[i]._passGrad;
            }
            else
            {
                _passGrad = seed;
                Propagate(order.AsSpan(0, n));
            }
        }
        finally
        {
            TopologicalSort.Return(order, n);
        }
    }

    private struct Frame
    {
        public Value Node;
        public int Next;
    }

    // TopologicalSort.Order specialised for the backward pass (the hot path of training): the same
    // depth-first post-order, with each node's _passGrad reset to 0 as it is first reached, saving a
    // separate pass over the ~40k nodes of a training step. Not the shared generic traversal with a
    // per-node hook: that measured about 1.5× slower for this pass (its Value instantiation is shared
    // code over a reference type).
    private int OrderForBackward(ref Value[] order)
    {
        int stamp = TopologicalSort.NextStamp();
        Frame[] stack = System.Buffers.ArrayPool<Frame>.Shared.Rent(64);
        int depth = 0, count = 0;
        try
        {
            _mark = stamp;
            _passGrad = 0;
            stack[depth++].Node = this;
            while (depth > 0)
            {
                ref Frame top = ref stack[depth - 1];
                Value node = top.Node;
                int arity = node.ParentCount;
                if (top.Next < arity)
                {
                    int k = top.Next++;
                    Value parent = arity <= 2 ? (k == 0 ? (Value)node._p0! : node._p1!) : ((Value[])node._p0!)[k];
                    if (parent._mark != stamp)
                    {
                        parent._mark = stamp;
                        parent._passGrad = 0;
                        if (depth == stack.Length) TopologicalSort.Grow(ref stack, depth);
                        stack[depth++] = new Frame { Node = parent };
                    }
                }
                else
                {
                    if (count == order.Length) TopologicalSort.Grow(ref order, count);
                    order[count++] = node;
                    depth--;
                }
            }
            return count;
        }
        finally
        {
            Array.Clear(stack);
            System.Buffers.ArrayPool<Frame>.Shared.Return(stack);
        }
    }

    // The chain rule, one link at a time, children before parents: parent._passGrad += ∂node/∂parent · node._passGrad.
    // A node's _passGrad is complete once all its children are done, so it joins Grad right away.
    private static void Propagate(ReadOnlySpan<Value> order)
    {
        for (int i = order.Length - 1; i >= 0; i--)
        {
            Value node = order[i];
            if ((node._shape & HookFlag) != 0) node.ApplyHooks(); // ∂root/∂node is complete: hooks may replace it
            double g = node._passGrad;
            node.Grad += g;
            switch (node.ParentCount)
            {
                case 0:
                    break;
                case 1:
                    ((Value)node._p0!)._passGrad += node._d0 * g;
                    break;
                case 2:
                    ((Value)node._p0!)._passGrad += node._d0 * g;
                    node._p1!._passGrad += node._d1 * g;
                    break;
                default: // a sum: every local derivative is 1
                    foreach (Value parent in (Value[])node._p0!) parent._passGrad += g;
                    break;
            }
        }
    }

    // The same pass, checking every contribution for NaN/∞ (Backward's detectAnomaly); Grad is left alone.
    private static void PropagateChecked(ReadOnlySpan<Value> order)
    {
        for (int i = order.Length - 1; i >= 0; i--)
        {
            Value node = order[i];
            if ((node._shape & HookFlag) != 0) node.ApplyHooks();
            double g = node._passGrad;
            for (int k = 0; k < node.ParentCount; k++)
            {
                Value parent = node.ParentAt(k);
                double contribution = node.LocalAt(k) * g; // the chain rule, one link
                if (!double.IsFinite(contribution))
                    throw new NonFiniteValueException(node,
                        $"Backward: at node {node.DisplayName} (op '{node.Op}'), the local derivative " +
                        $"∂{node.DisplayName}/∂{parent.DisplayName} = {Format(node.LocalAt(k))} times the incoming gradient " +
                        $"{Format(g)} gives {Format(contribution)}.");
                parent._passGrad += contribution;
            }
        }
    }

    private static void CheckForwardFinite(ReadOnlySpan<Value> order)
    {
        foreach (Value node in order)
        {
            if (double.IsFinite(node.Data)) continue;
            if (node.IsLeaf)
                throw new NonFiniteValueException(node, $"Forward: the leaf {node.DisplayName} holds {Format(node.Data)}.");
            bool parentsFinite = true;
            for (int k = 0; k < node.ParentCount; k++) parentsFinite &= double.IsFinite(node.ParentAt(k).Data);
            if (parentsFinite)
            {
                var inputs = string.Join(", ", node.Parents.Select(p => $"{p.DisplayName} = {Format(p.Data)}"));
                throw new NonFiniteValueException(node,
                    $"Forward: node {node.DisplayName} (op '{node.Op}') produced {Format(node.Data)} from finite inputs ({inputs}).");
            }
        }
    }

    /// <summary>Sets <see cref="Grad"/> to zero on this value and every value it depends on.</summary>
    public void ZeroGrad()
    {
        Value[] order = TopologicalSort.Rent<Value>();
        int n = -1; // -1 until the traversal returns: Return then clears the whole buffer
        try
        {
            n = TopologicalSort.Order<Value, GraphAccess>(this, ref order);
            for (int i = 0; i < n; i++) order[i].Grad = 0;
        }
        finally
        {
            TopologicalSort.Return(order, n);
        }
    }
}
