using System.Buffers;

namespace Backprop;

// The backward pass: topological order without recursion, then the chain rule one link at a time.
public sealed partial class Value
{
    /// <summary>
    /// Every value this one depends on, each once, ordered so that every parent comes before its
    /// children; this value is last. Iterative: a chain of millions of nodes does not touch the stack.
    /// </summary>
    public IReadOnlyList<Value> TopologicalOrder()
    {
        List<Value> order = TopologicalSort.Order<Value, GraphAccess>(this);
        for (int i = 0; i < order.Count; i++) order[i]._topoIndex = i;
        return order;
    }

    /// <summary>The topological order into a pooled buffer (return it with <see cref="TopologicalSort.Return{TNode}"/>),
    /// each node's <see cref="_topoIndex"/> set to its position.</summary>
    private int FillTopologicalOrder(ref Value[] order)
    {
        int n = TopologicalSort.Order<Value, GraphAccess>(this, ref order);
        for (int i = 0; i < n; i++) order[i]._topoIndex = i;
        return n;
    }

    private struct GraphAccess : IGraphAccess<Value>
    {
        public static int ParentCount(Value node) => node._arity;
        public static Value Parent(Value node, int index) => node.ParentAt(index);
        public static ref int Mark(Value node) => ref node._mark;
    }

    // The i-th parent and ∂this/∂parent (see the field comments in Value.cs); i is in [0, _arity).
    private Value ParentAt(int i) => _arity <= 2 ? (i == 0 ? (Value)_p0! : _p1!) : ((Value[])_p0!)[i];

    private double LocalAt(int i) => _arity <= 2 ? (i == 0 ? _d0 : _d1) : 1.0;

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
        int n = 0;
        double[]? g = null;
        try
        {
            n = FillTopologicalOrder(ref order);
            if (detectAnomaly)
            {
                CheckForwardFinite(order.AsSpan(0, n));
                if (!double.IsFinite(seed))
                    throw new NonFiniteValueException(this, $"Backward: the seed gradient is {Format(seed)}; expected a finite number.");
            }

            // g[i] = ∂this/∂order[i] for this pass only; added to Grad at the end, so gradients accumulate
            // across passes while each pass propagates only its own contributions.
            g = ArrayPool<double>.Shared.Rent(n);
            Array.Clear(g, 0, n);
            g[n - 1] = seed;
            if (detectAnomaly) PropagateChecked(order, n, g);
            else Propagate(order, n, g);
            for (int i = 0; i < n; i++) order[i].Grad += g[i];
        }
        finally
        {
            if (g is not null) ArrayPool<double>.Shared.Return(g);
            TopologicalSort.Return(order, n);
        }
    }

    // The chain rule, one link at a time, children before parents: g[parent] += ∂node/∂parent · g[node].
    private static void Propagate(Value[] order, int n, double[] g)
    {
        for (int i = n - 1; i >= 0; i--)
        {
            Value node = order[i];
            double gi = g[i];
            switch (node._arity)
            {
                case 0:
                    break;
                case 1:
                    g[((Value)node._p0!)._topoIndex] += node._d0 * gi;
                    break;
                case 2:
                    g[((Value)node._p0!)._topoIndex] += node._d0 * gi;
                    g[node._p1!._topoIndex] += node._d1 * gi;
                    break;
                default: // a sum: every local derivative is 1
                    foreach (Value parent in (Value[])node._p0!) g[parent._topoIndex] += gi;
                    break;
            }
        }
    }

    // The same pass, checking every contribution for NaN/∞ (Backward's detectAnomaly).
    private static void PropagateChecked(Value[] order, int n, double[] g)
    {
        for (int i = n - 1; i >= 0; i--)
        {
            Value node = order[i];
            double gi = g[i];
            for (int k = 0; k < node._arity; k++)
            {
                Value parent = node.ParentAt(k);
                double contribution = node.LocalAt(k) * gi; // the chain rule, one link
                if (!double.IsFinite(contribution))
                    throw new NonFiniteValueException(node,
                        $"Backward: at node {node.DisplayName} (op '{node.Op}'), the local derivative " +
                        $"∂{node.DisplayName}/∂{parent.DisplayName} = {Format(node.LocalAt(k))} times the incoming gradient " +
                        $"{Format(gi)} gives {Format(contribution)}.");
                g[parent._topoIndex] += contribution;
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
            for (int k = 0; k < node._arity; k++) parentsFinite &= double.IsFinite(node.ParentAt(k).Data);
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
        int n = 0;
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
