namespace Backprop.Interactive.Graphs;

/// <summary>A box in drawing coordinates (y grows downwards).</summary>
public readonly record struct Box(double X, double Y, double Width, double Height)
{
    /// <summary>Right edge.</summary>
    public double Right => X + Width;
    /// <summary>Bottom edge.</summary>
    public double Bottom => Y + Height;
    /// <summary>True when the two boxes share interior area.</summary>
    public bool Overlaps(Box other) =>
        X < other.Right && other.X < Right && Y < other.Bottom && other.Y < Bottom;
}

/// <summary>The result of <see cref="LayeredLayout"/>: node boxes, edge routes and the canvas size.</summary>
public sealed class Layout
{
    internal Layout(Box[] nodes, (double X, double Y)[][] routes, int[] layers, double width, double height, int crossings)
    {
        Nodes = nodes;
        Routes = routes;
        Layers = layers;
        Width = width;
        Height = height;
        Crossings = crossings;
    }

    /// <summary>One box per node.</summary>
    public IReadOnlyList<Box> Nodes { get; }

    /// <summary>Per edge, the points of its polyline, from the parent's right side to the child's left side.</summary>
    public IReadOnlyList<(double X, double Y)[]> Routes { get; }

    /// <summary>The column (layer) of each node, 0 at the left.</summary>
    public IReadOnlyList<int> Layers { get; }

    /// <summary>Canvas width.</summary>
    public double Width { get; }

    /// <summary>Canvas height.</summary>
    public double Height { get; }

    /// <summary>Edge crossings between adjacent layers in the final order.</summary>
    public int Crossings { get; }
}

/// <summary>
/// A layered (Sugiyama-style) left-to-right layout: longest-path layering with sources pulled next to
/// their first use, dummy nodes on long edges, barycentric crossing reduction, and least-squares
/// vertical placement that keeps each layer's order and never lets boxes overlap.
/// </summary>
public static class LayeredLayout
{
    private const double Margin = 12, VerticalGap = 14, DummyHeight = 6;

    /// <summary>Lays out a DAG whose edges go from <c>From</c> (drawn left) to <c>To</c> (drawn right).</summary>
    /// <param name="sizes">Width and height of each node.</param>
    /// <param name="edges">Edges as (from, to) node indices.</param>
    /// <param name="columnGap">Horizontal space between columns (room for edge labels).</param>
    public static Layout Compute(IReadOnlyList<(double Width, double Height)> sizes, IReadOnlyList<(int From, int To)> edges, double columnGap)
    {
        int n = sizes.Count;
        int[] layer = AssignLayers(n, edges);

        // Vertices: the real nodes, then one dummy per layer crossed by a long edge.
        var vLayer = new List<int>(layer);
        var vHeight = new List<double>(sizes.Select(s => s.Height));
        var paths = new int[edges.Count][];
        for (int e = 0; e < edges.Count; e++)
        {
            var (u, v) = edges[e];
            var path = new List<int> { u };
            for (int l = layer[u] + 1; l < layer[v]; l++)
            {
                path.Add(vLayer.Count);
                vLayer.Add(l);
                vHeight.Add(DummyHeight);
            }
            path.Add(v);
            paths[e] = path.ToArray();
        }
        int vCount = vLayer.Count;
        int layerCount = n == 0 ? 0 : vLayer.Max() + 1;

        // Adjacency between consecutive layers.
        var up = new List<int>[vCount];
        var down = new List<int>[vCount];
        for (int i = 0; i < vCount; i++) { up[i] = []; down[i] = []; }
        foreach (int[] path in paths)
            for (int k = 0; k + 1 < path.Length; k++)
            {
                down[path[k]].Add(path[k + 1]);
                up[path[k + 1]].Add(path[k]);
            }

        var layers = new List<int>[layerCount];
        for (int l = 0; l < layerCount; l++) layers[l] = [];
        for (int i = 0; i < vCount; i++) layers[vLayer[i]].Add(i);

        int crossings = OrderLayers(layers, up, down);
        double[] y = PlaceVertically(layers, up, down, vHeight);

        // Columns: as wide as their widest node.
        var columnWidth = new double[layerCount];
        for (int i = 0; i < n; i++) columnWidth[layer[i]] = Math.Max(columnWidth[layer[i]], sizes[i].Width);
        var columnX = new double[layerCount];
        double x = Margin;
        for (int l = 0; l < layerCount; l++)
        {
            columnX[l] = x;
            x += columnWidth[l] + columnGap;
        }
        double width = layerCount == 0 ? 2 * Margin : x - columnGap + Margin;

        var boxes = new Box[n];
        for (int i = 0; i < n; i++)
        {
            int l = layer[i];
            boxes[i] = new Box(columnX[l] + (columnWidth[l] - sizes[i].Width) / 2, y[i], sizes[i].Width, sizes[i].Height);
        }
        double height = (vCount == 0 ? 0 : Enumerable.Range(0, vCount).Max(i => y[i] + vHeight[i])) + Margin;

        var routes = RouteEdges(edges, paths, boxes, y, vLayer, columnX, columnWidth);
        return new Layout(boxes, routes, layer, width, height, crossings);
    }

    /// <summary>Longest path from the sources; then every source moves right, next to its first use.</summary>
    private static int[] AssignLayers(int n, IReadOnlyList<(int From, int To)> edges)
    {
        var children = new List<int>[n];
        var indegree = new int[n];
        for (int i = 0; i < n; i++) children[i] = [];
        foreach (var (u, v) in edges)
        {
            if ((uint)u >= (uint)n || (uint)v >= (uint)n || u == v)
                throw new ArgumentException($"LayeredLayout: edge ({u}, {v}) is not between two distinct nodes of {n}.");
            children[u].Add(v);
            indegree[v]++;
        }
        var layer = new int[n];
        var queue = new Queue<int>();
        var remaining = (int[])indegree.Clone();
        for (int i = 0; i < n; i++) if (remaining[i] == 0) queue.Enqueue(i);
        var topo = new List<int>(n);
        while (queue.Count > 0)
        {
            int u = queue.Dequeue();
            topo.Add(u);
            foreach (int v in children[u])
            {
                layer[v] = Math.Max(layer[v], layer[u] + 1);
                if (--remaining[v] == 0) queue.Enqueue(v);
            }
        }
        if (topo.Count != n) throw new ArgumentException("LayeredLayout: the graph has a cycle; expected a DAG.");
        foreach (int u in topo)
            if (indegree[u] == 0 && children[u].Count > 0)
                layer[u] = children[u].Min(v => layer[v]) - 1;
        return layer;
    }

    /// <summary>Barycentric sweeps, keeping the order with the fewest crossings.</summary>
    private static int OrderLayers(List<int>[] layers, List<int>[] up, List<int>[] down)
    {
        int vCount = up.Length;
        var pos = new double[vCount];
        void Index()
        {
            foreach (var layer in layers)
                for (int k = 0; k < layer.Count; k++) pos[layer[k]] = k;
        }
        Index();
        int best = CountCrossings(layers, down, pos);
        var bestOrder = layers.Select(l => l.ToArray()).ToArray();
        for (int iteration = 0; iteration < 12 && best > 0; iteration++)
        {
            bool downward = iteration % 2 == 0;
            if (downward)
                for (int l = 1; l < layers.Length; l++) SortByBarycenter(layers[l], up, pos);
            else
                for (int l = layers.Length - 2; l >= 0; l--) SortByBarycenter(layers[l], down, pos);
            int crossings = CountCrossings(layers, down, pos);
            if (crossings < best)
            {
                best = crossings;
                bestOrder = layers.Select(l => l.ToArray()).ToArray();
            }
        }
        for (int l = 0; l < layers.Length; l++)
        {
            layers[l].Clear();
            layers[l].AddRange(bestOrder[l]);
        }
        Index();
        return best;
    }

    private static void SortByBarycenter(List<int> layer, List<int>[] neighbours, double[] pos)
    {
        var keys = new (double Key, int Vertex)[layer.Count];
        for (int k = 0; k < layer.Count; k++)
        {
            int v = layer[k];
            var adj = neighbours[v];
            double key = pos[v];
            if (adj.Count > 0)
            {
                double sum = 0;
                foreach (int w in adj) sum += pos[w];
                key = sum / adj.Count;
            }
            keys[k] = (key, v);
        }
        // Stable: ties keep their current order.
        var sorted = keys.Select((kv, i) => (kv.Key, kv.Vertex, i)).OrderBy(t => t.Key).ThenBy(t => t.i).ToArray();
        for (int k = 0; k < layer.Count; k++)
        {
            layer[k] = sorted[k].Vertex;
            pos[sorted[k].Vertex] = k;
        }
    }

    /// <summary>Crossings between each pair of adjacent layers, counted as inversions (Fenwick tree).</summary>
    private static int CountCrossings(List<int>[] layers, List<int>[] down, double[] pos)
    {
        int total = 0;
        for (int l = 0; l + 1 < layers.Length; l++)
        {
            var pairs = new List<(int U, int V)>();
            foreach (int u in layers[l])
                foreach (int v in down[u]) pairs.Add(((int)pos[u], (int)pos[v]));
            pairs.Sort();
            int size = layers[l + 1].Count;
            var tree = new int[size + 1];
            int seen = 0;
            foreach (var (_, v) in pairs)
            {
                // Edges already seen ending strictly below v cross this one.
                int notAbove = 0;
                for (int i = v + 1; i > 0; i -= i & -i) notAbove += tree[i];
                total += seen - notAbove;
                for (int i = v + 1; i <= size; i += i & -i) tree[i]++;
                seen++;
            }
        }
        return total;
    }

    /// <summary>Alternating passes that pull each vertex towards the mean of its neighbours, placed by
    /// isotonic regression so that order and spacing are kept exactly.</summary>
    private static double[] PlaceVertically(List<int>[] layers, List<int>[] up, List<int>[] down, List<double> height)
    {
        var y = new double[up.Length];
        foreach (var layer in layers)
        {
            double top = Margin;
            foreach (int v in layer)
            {
                y[v] = top;
                top += height[v] + VerticalGap;
            }
        }
        for (int round = 0; round < 8; round++)
        {
            bool downward = round % 2 == 0;
            for (int step = 0; step < layers.Length; step++)
            {
                int l = downward ? step : layers.Length - 1 - step;
                var adj = downward ? up : down;
                var desired = new double[layers[l].Count];
                for (int k = 0; k < desired.Length; k++)
                {
                    int v = layers[l][k];
                    if (adj[v].Count == 0) { desired[k] = y[v]; continue; }
                    double sum = 0;
                    foreach (int w in adj[v]) sum += y[w] + height[w] / 2;
                    desired[k] = sum / adj[v].Count - height[v] / 2;
                }
                Place(layers[l], desired, height, y);
            }
        }
        double min = y.Length == 0 ? Margin : y.Min();
        for (int i = 0; i < y.Length; i++) y[i] += Margin - min;
        return y;
    }

    /// <summary>Least-squares positions closest to <paramref name="desired"/> subject to
    /// y[k+1] ≥ y[k] + height[k] + gap (pool-adjacent-violators on offset-shifted targets).</summary>
    private static void Place(List<int> layer, double[] desired, List<double> height, double[] y)
    {
        int m = layer.Count;
        var offset = new double[m];
        for (int k = 1; k < m; k++) offset[k] = offset[k - 1] + height[layer[k - 1]] + VerticalGap;
        var blockStart = new List<int>();
        var blockSum = new List<double>();
        var blockCount = new List<int>();
        for (int k = 0; k < m; k++)
        {
            blockStart.Add(k);
            blockSum.Add(desired[k] - offset[k]);
            blockCount.Add(1);
            while (blockStart.Count > 1)
            {
                int last = blockStart.Count - 1;
                if (blockSum[last - 1] / blockCount[last - 1] <= blockSum[last] / blockCount[last]) break;
                blockSum[last - 1] += blockSum[last];
                blockCount[last - 1] += blockCount[last];
                blockStart.RemoveAt(last); blockSum.RemoveAt(last); blockCount.RemoveAt(last);
            }
        }
        for (int b = 0; b < blockStart.Count; b++)
        {
            double z = blockSum[b] / blockCount[b];
            int end = b + 1 < blockStart.Count ? blockStart[b + 1] : m;
            for (int k = blockStart[b]; k < end; k++) y[layer[k]] = z + offset[k];
        }
    }

    /// <summary>Polylines: out of the parent's right side, across each dummy's column, into a port on the
    /// child's left side; ports are spread along the side in the order of the other ends.</summary>
    private static (double X, double Y)[][] RouteEdges(IReadOnlyList<(int From, int To)> edges, int[][] paths, Box[] boxes,
        double[] y, List<int> vLayer, double[] columnX, double[] columnWidth)
    {
        int n = boxes.Length;
        double Center(int v) => v < n ? boxes[v].Y + boxes[v].Height / 2 : y[v] + DummyHeight / 2;
        var inPort = PortPositions(edges.Count, e => paths[e][^1], e => Center(paths[e][^2]), boxes);
        var outPort = PortPositions(edges.Count, e => paths[e][0], e => Center(paths[e][1]), boxes);
        var routes = new (double X, double Y)[edges.Count][];
        for (int e = 0; e < edges.Count; e++)
        {
            int[] path = paths[e];
            var points = new List<(double, double)> { (boxes[path[0]].Right, outPort[e]) };
            for (int k = 1; k < path.Length - 1; k++)
            {
                int l = vLayer[path[k]];
                double cy = Center(path[k]);
                points.Add((columnX[l], cy));
                points.Add((columnX[l] + columnWidth[l], cy));
            }
            points.Add((boxes[path[^1]].X, inPort[e]));
            routes[e] = points.ToArray();
        }
        return routes;
    }

    private static double[] PortPositions(int edgeCount, Func<int, int> node, Func<int, double> otherEnd, Box[] boxes)
    {
        var ports = new double[edgeCount];
        foreach (var group in Enumerable.Range(0, edgeCount).GroupBy(node))
        {
            var ordered = group.OrderBy(otherEnd).ToArray();
            Box box = boxes[group.Key];
            for (int k = 0; k < ordered.Length; k++)
                ports[ordered[k]] = box.Y + box.Height * (k + 1) / (ordered.Length + 1);
        }
        return ports;
    }
}
