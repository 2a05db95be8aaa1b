using System.Buffers;

namespace Backprop;

/// <summary>How the shared traversal reads a graph node type (implemented by a struct per node type, so
/// each instantiation of <see cref="TopologicalSort.Order{TNode, TGraph}(TNode)"/> is specialised and inlined).</summary>
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
    /// </summary>
    public static List<TNode> Order<TNode, TGraph>(TNode root) where TNode : class where TGraph : struct, IGraphAccess<TNode>
    {
        TNode[] buffer = Rent<TNode>();
        int count = -1;
        try
        {
            count = Order<TNode, TGraph>(root, ref buffer);
            var order = new List<TNode>(count);
            order.AddRange(buffer.AsSpan(0, count));
            return order;
        }
        finally
        {
            Return(buffer, count);
        }
    }

    /// <summary>
    /// Writes the topological order of <paramref name="root"/>'s graph to <paramref name="order"/>[0..count)
    /// and returns count. <paramref name="order"/> comes from <see cref="Rent{TNode}"/>; when the graph does not
    /// fit, it is swapped for a larger pooled array. Iterative depth-first search with an explicit (pooled)
    /// stack: a chain of millions of nodes does not touch the call stack. Nodes are marked with a fresh stamp
    /// instead of a visited set.
    /// </summary>
    public static int Order<TNode, TGraph>(TNode root, ref TNode[] order) where TNode : class where TGraph : struct, IGraphAccess<TNode>
    {
        int stamp = NextStamp();
        Frame<TNode>[] stack = ArrayPool<Frame<TNode>>.Shared.Rent(64);
        int depth = 0, count = 0;
        try
        {
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
                        if (depth == stack.Length) Grow(ref stack, depth);
                        stack[depth++] = new Frame<TNode> { Node = parent };
                    }
                }
                else
                {
                    if (count == order.Length) Grow(ref order, count);
                    order[count++] = top.Node;
                    depth--;
                }
            }
            return count;
        }
        finally
        {
            // Frames below depth were overwritten or popped; clear what a throw could have left behind.
            Array.Clear(stack, 0, stack.Length);
            ArrayPool<Frame<TNode>>.Shared.Return(stack);
        }
    }

    /// <summary>A pooled buffer for <see cref="Order{TNode, TGraph}(TNode, ref TNode[])"/>.</summary>
    public static TNode[] Rent<TNode>() where TNode : class => ArrayPool<TNode>.Shared.Rent(1024);

    /// <summary>Clears the first <paramref name="count"/> entries, or all of them when count is negative (a
    /// traversal that threw before saying how far it got), so the pool keeps no graph alive, and returns the buffer.</summary>
    public static void Return<TNode>(TNode[] buffer, int count) where TNode : class
    {
        if (count < 0) Array.Clear(buffer);
        else Array.Clear(buffer, 0, count);
        ArrayPool<TNode>.Shared.Return(buffer);
    }

    /// <summary>A stamp no recent traversal used, never 0 (the mark of a node no traversal has reached):
    /// after 2³² traversals the counter wraps, and 0 would make every fresh node look visited.</summary>
    public static int NextStamp()
    {
        int stamp = Interlocked.Increment(ref s_traversal);
        return stamp != 0 ? stamp : Interlocked.Increment(ref s_traversal);
    }

    /// <summary>Swaps a pooled array for a pooled one twice as long, keeping its first <paramref name="used"/> entries.</summary>
    public static void Grow<T>(ref T[] array, int used)
    {
        T[] larger = ArrayPool<T>.Shared.Rent(array.Length * 2);
        Array.Copy(array, larger, used);
        Array.Clear(array, 0, used);
        ArrayPool<T>.Shared.Return(array);
        array = larger;
    }
}
