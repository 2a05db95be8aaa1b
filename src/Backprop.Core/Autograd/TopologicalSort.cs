namespace Backprop;

/// <summary>How the shared traversal reads a graph node type (implemented by a struct per node type, so
/// each instantiation of <see cref="TopologicalSort.Order{TNode, TGraph}"/> is specialised and inlined).</summary>
internal interface IGraphAccess<TNode> where TNode : class
{
    /// <summary>Number of parents of <paramref name="node"/>.</summary>
    static abstract int ParentCount(TNode node);

    /// <summary>The <paramref name="index"/>-th parent.</summary>
    static abstract TNode Parent(TNode node, int index);

    /// <summary>The node's traversal stamp (scratch owned by this traversal).</summary>
    static abstract ref int Mark(TNode node);
}

/// <summary>Topological order of a computation graph, shared by <see cref="Value"/> and <see cref="Tensor"/>.</summary>
internal static class TopologicalSort
{
    private static int s_traversal;

    private struct Frame<TNode>
    {
        public TNode Node;
        public int Next;
    }

    /// <summary>
    /// Every node <paramref name="root"/> depends on, each once, parents before children, the root last.
    /// Iterative depth-first search with an explicit stack: a chain of millions of nodes does not touch the
    /// call stack. Nodes are marked with a fresh stamp instead of a visited set.
    /// </summary>
    public static List<TNode> Order<TNode, TGraph>(TNode root) where TNode : class where TGraph : struct, IGraphAccess<TNode>
    {
        int stamp = Interlocked.Increment(ref s_traversal);
        var order = new List<TNode>();
        var stack = new Frame<TNode>[16];
        int depth = 0;
        TGraph.Mark(root) = stamp;
        stack[depth++] = new Frame<TNode> { Node = root };
        while (depth > 0)
        {
            ref Frame<TNode> top = ref stack[depth - 1];
            if (top.Next < TGraph.ParentCount(top.Node))
            {
                TNode parent = TGraph.Parent(top.Node, top.Next++);
                if (TGraph.Mark(parent) != stamp)
                {
                    TGraph.Mark(parent) = stamp;
                    if (depth == stack.Length) Array.Resize(ref stack, depth * 2);
                    stack[depth++] = new Frame<TNode> { Node = parent };
                }
            }
            else
            {
                order.Add(top.Node);
                stack[--depth] = default;
            }
        }
        return order;
    }
}
