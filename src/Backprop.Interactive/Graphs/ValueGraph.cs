using System.Globalization;
using Backprop.Interactive.Html;

namespace Backprop.Interactive.Graphs;

/// <summary>Builds the <see cref="GraphModel"/> of a scalar <see cref="Value"/> and everything it depends on.</summary>
public static class ValueGraph
{
    /// <summary>The graph of <paramref name="output"/>, collapsed to the nodes nearest the output when it
    /// exceeds <see cref="GraphOptions.MaxNodes"/> or <see cref="GraphOptions.Depth"/>.</summary>
    public static GraphModel Build(Value output, GraphOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        options ??= new GraphOptions();
        IReadOnlyList<Value> order = output.TopologicalOrder();
        var index = new Dictionary<Value, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < order.Count; i++) index[order[i]] = i;

        int[] distance = GraphSelection.DistancesFromOutput(order.Count, i => Parents(order[i], index));
        bool[] keep = GraphSelection.Select(distance, options, out int depth);

        var nodeOf = new int[order.Count];
        var nodes = new List<GraphNode>();
        for (int i = 0; i < order.Count; i++)
        {
            if (!keep[i]) { nodeOf[i] = -1; continue; }
            Value v = order[i];
            int hidden = 0;
            for (int k = 0; k < v.ParentCount; k++) if (!keep[index[v.GetParent(k)]]) hidden++;
            nodeOf[i] = nodes.Count;
            nodes.Add(Node(v, ReferenceEquals(v, output), hidden));
        }
        var edges = new List<GraphEdge>();
        for (int i = 0; i < order.Count; i++)
        {
            if (!keep[i]) continue;
            Value v = order[i];
            for (int k = 0; k < v.ParentCount; k++)
            {
                int p = index[v.GetParent(k)];
                if (keep[p]) edges.Add(new GraphEdge(nodeOf[p], nodeOf[i], HtmlText.Number(v.GetLocalGradient(k))));
            }
        }
        return new GraphModel(nodes, edges, order.Count, Summarize(order, output, nodes.Count, depth));
    }

    private static IEnumerable<int> Parents(Value v, Dictionary<Value, int> index)
    {
        for (int k = 0; k < v.ParentCount; k++) yield return index[v.GetParent(k)];
    }

    private static GraphNode Node(Value v, bool isOutput, int hidden)
    {
        NodeKind kind = isOutput ? NodeKind.Output
            : !v.IsLeaf ? NodeKind.Intermediate
            : v.IsConstant ? NodeKind.Constant
            : v.IsParameter ? NodeKind.Parameter
            : NodeKind.Input;
        string title = v.IsLeaf
            ? v.Label ?? (v.IsConstant ? HtmlText.Number(v.Data) : $"v{v.Id}")
            : v.Label is null ? v.Op : $"{v.Label} = {v.Op}";
        string tooltip = $"{HtmlText.Short(v.DisplayName)}\nop: {(v.IsLeaf ? "(leaf)" : v.Op)}\ndata: {HtmlText.Exact(v.Data)}\ngrad: {HtmlText.Exact(v.Grad)}" +
                         (hidden > 0 ? $"\n{hidden} input(s) not drawn" : "");
        return new GraphNode(title, v.Op, "data " + HtmlText.Number(v.Data), "grad " + HtmlText.Number(v.Grad), v.Grad, kind, tooltip, hidden);
    }

    private static string Summarize(IReadOnlyList<Value> order, Value output, int drawn, int depth)
    {
        int inputs = 0, parameters = 0, constants = 0, ops = 0;
        foreach (Value v in order)
        {
            if (!v.IsLeaf) ops++;
            else if (v.IsConstant) constants++;
            else if (v.IsParameter) parameters++;
            else inputs++;
        }
        var invariant = CultureInfo.InvariantCulture;
        string counts = string.Create(invariant, $"{order.Count:N0} nodes: {inputs:N0} inputs, {parameters:N0} parameters, {constants:N0} constants, {ops:N0} operations; ") +
                        $"output {HtmlText.Short(output.DisplayName)} = {HtmlText.Number(output.Data)}";
        return drawn < order.Count
            ? string.Create(invariant, $"{counts}. Showing the {drawn:N0} nodes within {depth} steps of the output; pass GraphOptions {{ MaxNodes = …, Depth = … }} to draw more.")
            : counts + ".";
    }
}

/// <summary>Chooses which nodes of a large graph to draw: those nearest the output.</summary>
internal static class GraphSelection
{
    /// <summary>Edges from the output (the last node) back through parents; unreachable nodes get int.MaxValue.</summary>
    public static int[] DistancesFromOutput(int count, Func<int, IEnumerable<int>> parents)
    {
        var distance = new int[count];
        Array.Fill(distance, int.MaxValue);
        if (count == 0) return distance;
        var queue = new Queue<int>();
        distance[count - 1] = 0;
        queue.Enqueue(count - 1);
        while (queue.Count > 0)
        {
            int v = queue.Dequeue();
            foreach (int p in parents(v))
                if (distance[p] == int.MaxValue)
                {
                    distance[p] = distance[v] + 1;
                    queue.Enqueue(p);
                }
        }
        return distance;
    }

    /// <summary>The nodes within the largest depth that fits the budget (and the requested depth).</summary>
    public static bool[] Select(int[] distance, GraphOptions options, out int depth)
    {
        if (options.MaxNodes < 1) throw new ArgumentException($"GraphOptions.MaxNodes: expected at least 1, got {options.MaxNodes}.");
        if (options.Depth is < 0) throw new ArgumentException($"GraphOptions.Depth: expected a non-negative depth, got {options.Depth}.");
        int maxDistance = 0;
        foreach (int d in distance) if (d != int.MaxValue) maxDistance = Math.Max(maxDistance, d);
        var atDistance = new int[maxDistance + 2];
        foreach (int d in distance) if (d != int.MaxValue) atDistance[d]++;
        depth = Math.Min(options.Depth ?? maxDistance, maxDistance);
        int count = 0;
        for (int d = 0; d <= depth; d++) count += atDistance[d];
        int budget = Math.Min(options.MaxNodes, GraphOptions.MaxDrawableNodes);
        while (depth > 0 && count > budget)
        {
            count -= atDistance[depth];
            depth--;
        }
        var keep = new bool[distance.Length];
        for (int i = 0; i < distance.Length; i++) keep[i] = distance[i] <= depth;
        return keep;
    }
}
