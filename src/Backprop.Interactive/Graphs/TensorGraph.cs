using Backprop.Interactive.Html;

namespace Backprop.Interactive.Graphs;

/// <summary>Builds the <see cref="GraphModel"/> of a <see cref="Tensor"/> result: one node per tensor, with its
/// shape and a summary of its values and gradient, and edges labelled with the local derivative's formula.</summary>
public static class TensorGraph
{
    /// <summary>The graph of <paramref name="output"/> (collapsed to the nodes nearest the output when large).
    /// Run <c>Backward(retainAllGrads: true)</c> first to see every intermediate gradient.</summary>
    public static GraphModel Build(Tensor output, GraphOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        options ??= new GraphOptions();
        IReadOnlyList<Tensor> order = output.TopologicalOrder();
        var index = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < order.Count; i++) index[order[i]] = i;
        int[] distance = GraphSelection.DistancesFromOutput(order.Count, i => order[i].Parents.Select(p => index[p]));
        bool[] keep = GraphSelection.Select(distance, options, out int depth);

        var nodeOf = new int[order.Count];
        var nodes = new List<GraphNode>();
        for (int i = 0; i < order.Count; i++)
        {
            if (!keep[i]) { nodeOf[i] = -1; continue; }
            Tensor t = order[i];
            nodeOf[i] = nodes.Count;
            nodes.Add(Node(t, ReferenceEquals(t, output), t.Parents.Count(p => !keep[index[p]])));
        }
        var edges = new List<GraphEdge>();
        for (int i = 0; i < order.Count; i++)
        {
            if (!keep[i]) continue;
            Tensor t = order[i];
            for (int k = 0; k < t.Parents.Count; k++)
            {
                int p = index[t.Parents[k]];
                if (keep[p]) edges.Add(new GraphEdge(nodeOf[p], nodeOf[i], t.Operation!.Derivative(k)));
            }
        }
        int ops = order.Count(t => !t.IsLeaf);
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        string summary = string.Create(invariant, $"{order.Count:N0} tensors: {order.Count - ops:N0} leaves, {ops:N0} operations; output {HtmlText.Short(output.DisplayName)} {Shape(output)}");
        if (output.ElementCount == 1) summary += $" = {HtmlText.Number(output.Item())}";
        summary += nodes.Count < order.Count
            ? string.Create(invariant, $". Showing the {nodes.Count:N0} tensors within {depth} steps of the output; pass GraphOptions {{ MaxNodes = …, Depth = … }} to draw more.")
            : ".";
        return new GraphModel(nodes, edges, order.Count, summary);
    }

    /// <summary>"[2, 3]", or "scalar"; a shape of rank above 12 shows its first 8 and last 2 sizes and its rank.</summary>
    public static string Shape(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.Rank == 0) return "scalar";
        if (t.Rank <= MaxShownRank) return "[" + string.Join(", ", t.Shape) + "]";
        return $"[{string.Join(", ", t.Shape.Take(8))}, …, {t.Shape[^2]}, {t.Shape[^1]}] (rank {t.Rank:N0})";
    }

    private const int MaxShownRank = 12;

    private static GraphNode Node(Tensor t, bool isOutput, int hidden)
    {
        NodeKind kind = isOutput ? NodeKind.Output : !t.IsLeaf ? NodeKind.Intermediate : t.RequiresGrad ? NodeKind.Parameter : NodeKind.Input;
        string title = t.IsLeaf ? t.Label ?? $"tensor #{t.Id}" : t.Label is null ? t.Op : $"{t.Label} = {t.Op}";
        var stats = TensorStats.Of(t);
        string valueText = t.ElementCount == 1 ? $"{Shape(t)} {HtmlText.Number(t.ToArray()[0])}" : $"{Shape(t)} μ {HtmlText.Number(stats.Mean, 3)}";
        Tensor? g = t.Grad;
        string gradText;
        double gradColour;
        if (g is null)
        {
            gradText = t.RequiresGrad ? "grad not kept" : "no grad";
            gradColour = double.NaN;
        }
        else
        {
            var gs = TensorStats.Of(g);
            gradColour = gs.SignedMaxAbs;
            gradText = g.ElementCount == 1 ? $"grad {HtmlText.Number(gradColour)}" : $"grad max|g| {HtmlText.Number(Math.Abs(gs.SignedMaxAbs), 3)}";
        }
        string tooltip = $"{HtmlText.Short(t.DisplayName)}\nop: {(t.IsLeaf ? "(leaf)" : t.Op)}\nshape: {Shape(t)} {t.DType}\nvalues: {stats}" +
                         (g is null ? "" : $"\ngrad: {TensorStats.Of(g)}") + (hidden > 0 ? $"\n{hidden} input(s) not drawn" : "");
        return new GraphNode(title, t.Op, valueText, gradText, gradColour, kind, tooltip, hidden) { GradKnown = g is not null };
    }
}

/// <summary>Summary statistics of a tensor's elements (min, max, mean, std, NaN and ∞ counts).</summary>
/// <param name="Count">Elements.</param>
/// <param name="Min">Smallest finite element (NaN if none).</param>
/// <param name="Max">Largest finite element (NaN if none).</param>
/// <param name="Mean">Mean of the finite elements.</param>
/// <param name="Std">Standard deviation of the finite elements.</param>
/// <param name="NaNs">NaN elements.</param>
/// <param name="Infinities">±∞ elements.</param>
/// <param name="SignedMaxAbs">The finite element of largest magnitude, with its sign.</param>
public readonly record struct TensorStats(int Count, double Min, double Max, double Mean, double Std, int NaNs, int Infinities, double SignedMaxAbs)
{
    /// <summary>Computes the statistics of <paramref name="t"/>.</summary>
    public static TensorStats Of(Tensor t)
    {
        double[] v = t.ToArray();
        int finite = 0, nans = 0, infs = 0;
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, signed = 0;
        foreach (double x in v)
        {
            if (double.IsNaN(x)) { nans++; continue; }
            if (double.IsInfinity(x)) { infs++; continue; }
            finite++;
            sum += x;
            if (x < min) min = x;
            if (x > max) max = x;
            if (Math.Abs(x) > Math.Abs(signed)) signed = x;
        }
        double mean = finite == 0 ? double.NaN : sum / finite, ss = 0;
        foreach (double x in v) if (double.IsFinite(x)) ss += (x - mean) * (x - mean);
        return new TensorStats(v.Length, finite == 0 ? double.NaN : min, finite == 0 ? double.NaN : max, mean,
            finite == 0 ? double.NaN : Math.Sqrt(ss / finite), nans, infs, signed);
    }

    /// <summary>e.g. "min −1 max 2 mean 0.3 std 0.9".</summary>
    public override string ToString() =>
        $"min {HtmlText.Number(Min)} max {HtmlText.Number(Max)} mean {HtmlText.Number(Mean)} std {HtmlText.Number(Std)}" +
        (NaNs > 0 ? $" NaN×{NaNs}" : "") + (Infinities > 0 ? $" ∞×{Infinities}" : "");
}
