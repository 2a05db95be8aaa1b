using Backprop.Interactive.Html;

namespace Backprop.Interactive.Graphs;

/// <summary>
/// A computation graph drawn as static SVG: inputs on the left, the output on the right, one box per
/// node (label, data, grad), edges labelled with the local derivative ∂child/∂parent, colours by node
/// kind and a stripe whose colour shows the gradient's sign and magnitude.
/// </summary>
public sealed class GraphView : HtmlView
{
    internal const double NodeWidth = 156, BaseHeight = 54, PortSpacing = 16, LabelGap = 96, PlainGap = 48;
    internal const double LabelCharWidth = 6.2, LabelHeight = 11;
    private const int MaxLabelChars = 12, MaxTitleChars = 40, MaxTooltipChars = 400, MaxSummaryChars = 600;

    /// <summary>Draws <paramref name="model"/>.</summary>
    public GraphView(GraphModel model, GraphOptions? options = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        if (model.Nodes.Count > GraphOptions.MaxDrawableNodes)
            throw new ArgumentException(
                $"GraphView: the model has {model.Nodes.Count:N0} nodes; expected at most {GraphOptions.MaxDrawableNodes:N0} (a larger drawing is unreadable " +
                "and huge). ValueGraph.Build and TensorGraph.Build collapse large graphs to the nodes nearest the output.", nameof(model));
        Options = options ?? new GraphOptions();
        var sizes = new (double, double)[model.Nodes.Count];
        var indegree = new int[model.Nodes.Count];
        foreach (GraphEdge e in model.Edges) indegree[e.To]++;
        for (int i = 0; i < sizes.Length; i++)
            sizes[i] = (NodeWidth, Math.Max(BaseHeight, PortSpacing * (indegree[i] + 1)));
        Layout = LayeredLayout.Compute(sizes, model.Edges.Select(e => (e.From, e.To)).ToArray(), Options.EdgeLabels ? LabelGap : PlainGap);
    }

    /// <summary>The graph drawn.</summary>
    public GraphModel Model { get; }

    /// <summary>The drawing options.</summary>
    public GraphOptions Options { get; }

    /// <summary>Where every node and edge went.</summary>
    public Layout Layout { get; }

    /// <inheritdoc/>
    protected override string Title => "Computation graph";

    /// <summary>The text of each edge label as drawn (clipped).</summary>
    internal static string EdgeLabelText(GraphEdge edge) => HtmlText.Clip(edge.Label, MaxLabelChars);

    /// <summary>The box an edge label occupies (right-aligned just left of the child's port).</summary>
    internal Box EdgeLabelBox(int edge)
    {
        var end = Layout.Routes[edge][^1];
        double width = EdgeLabelText(Model.Edges[edge]).Length * LabelCharWidth;
        return new Box(end.X - 5 - width, end.Y - 3 - LabelHeight + 2, width, LabelHeight);
    }

    /// <inheritdoc/>
    public override void WriteHtml(TextWriter writer)
    {
        var w = new HtmlWriter(writer).BeginView("bp-graph", Css, HtmlText.Clip(Model.Summary, MaxSummaryChars));
        WriteLegend(w);
        WriteSvg(w);
        w.End();
    }

    private const string Css =
        ".bp-legend{display:flex;flex-wrap:wrap;gap:10px;font-size:12px;margin-bottom:6px;color:#333}" +
        ".bp-legend span{display:inline-flex;align-items:center;gap:4px}.bp-swatch{display:inline-block;width:12px;height:12px;border:1px solid #888;border-radius:2px}" +
        ".bp-graph svg{max-width:none;overflow:visible}.bp-graph .bp-scroll{overflow:auto;max-width:100%;border:1px solid #eee;border-radius:4px;background:#fff}";

    internal static readonly IReadOnlyDictionary<NodeKind, string> KindFill = new Dictionary<NodeKind, string>
    {
        [NodeKind.Input] = "#dbeafe",
        [NodeKind.Parameter] = "#fef3c7",
        [NodeKind.Constant] = "#f1f5f9",
        [NodeKind.Intermediate] = "#ffffff",
        [NodeKind.Output] = "#dcfce7",
    };

    private static void WriteLegend(HtmlWriter w)
    {
        w.Start("div", "bp-legend");
        foreach (var (kind, fill) in KindFill) Swatch(w, fill, kind.ToString().ToLowerInvariant());
        Swatch(w, HtmlText.Diverging(-1, 1), "grad < 0");
        Swatch(w, HtmlText.Diverging(1, 1), "grad > 0");
        w.Element("span", "edge label: ∂child/∂parent").End();
    }

    private static void Swatch(HtmlWriter w, string colour, string text) =>
        w.Start("span").Start("i", "bp-swatch").BeginAttr("style").AttrText("background:").AttrText(colour).EndAttr().End().Text(text).End();

    private void WriteSvg(HtmlWriter w)
    {
        double scale = 0;
        // Scale by the largest gradient below the output (whose own gradient is just the seed, 1).
        foreach (GraphNode n in Model.Nodes)
            if (n.Kind != NodeKind.Output && double.IsFinite(n.Grad)) scale = Math.Max(scale, Math.Abs(n.Grad));
        w.Start("div", "bp-scroll").Start("svg").Attr("xmlns", "http://www.w3.org/2000/svg").Attr("role", "img").SvgSize(Layout.Width, Layout.Height)
         .Attr("font-family", "system-ui,sans-serif");
        w.Start("defs").Start("marker").Attr("id", "bp-arrow").Attr("viewBox", "0 0 8 8").Attr("refX", 8).Attr("refY", 4).Attr("markerWidth", 7)
         .Attr("markerHeight", 7).Attr("orient", "auto").Start("path").Attr("d", "M0,0L8,4L0,8z").Attr("fill", "#94a3b8").End().End().End();
        w.Start("g").Attr("fill", "none").Attr("stroke", "#94a3b8").Attr("stroke-width", 1.2);
        for (int e = 0; e < Model.Edges.Count; e++)
        {
            w.Start("path").Attr("marker-end", "url(#bp-arrow)").BeginAttr("d");
            WritePath(w, Layout.Routes[e]);
            w.EndAttr().End();
        }
        w.End();
        if (Options.EdgeLabels)
        {
            w.Start("g").Attr("font-size", 10).Attr("fill", "#475569").Attr("text-anchor", "end").Attr("paint-order", "stroke").Attr("stroke", "#fff").Attr("stroke-width", 3);
            for (int e = 0; e < Model.Edges.Count; e++)
            {
                var end = Layout.Routes[e][^1];
                GraphEdge edge = Model.Edges[e];
                w.Start("text").Attr("x", end.X - 5).Attr("y", end.Y - 3)
                 .Start("title").Text("∂").Text(HtmlText.Clip(Model.Nodes[edge.To].Title, MaxTitleChars)).Text("/∂")
                 .Text(HtmlText.Clip(Model.Nodes[edge.From].Title, MaxTitleChars)).Text(" = ").Text(HtmlText.Clip(edge.Label, MaxTitleChars)).End()
                 .Text(EdgeLabelText(edge)).End();
            }
            w.End();
        }
        for (int i = 0; i < Model.Nodes.Count; i++) WriteNode(w, Model.Nodes[i], Layout.Nodes[i], scale);
        w.End().End();
    }

    /// <summary>An edge's route: straight where level, otherwise an S-curve between consecutive points.</summary>
    private static void WritePath(HtmlWriter w, (double X, double Y)[] points)
    {
        w.PathTo('M', points[0].X, points[0].Y);
        for (int k = 1; k < points.Length; k++)
        {
            var (ax, ay) = points[k - 1];
            var (bx, by) = points[k];
            if (Math.Abs(ay - by) < 0.05)
            {
                w.PathTo('L', bx, by);
                continue;
            }
            double dx = (bx - ax) / 2;
            w.PathTo('C', ax + dx, ay).PathTo(' ', bx - dx, by).PathTo(' ', bx, by);
        }
    }

    private static void WriteNode(HtmlWriter w, GraphNode node, Box box, double scale)
    {
        string fill = KindFill[node.Kind];
        string stripe = node.GradKnown ? HtmlText.Diverging(node.Grad, scale) : "#e2e8f0";
        string stroke = node.Kind == NodeKind.Output ? "#16a34a" : node.Kind == NodeKind.Parameter ? "#d97706" : "#64748b";
        w.Start("g", "bp-node").Element("title", HtmlText.Clip(node.Tooltip, MaxTooltipChars));
        w.Start("rect").Attr("x", box.X).Attr("y", box.Y).Attr("width", box.Width).Attr("height", box.Height).Attr("rx", 6).Attr("fill", fill).Attr("stroke", stroke);
        if (node.HiddenInputs > 0) w.Attr("stroke-dasharray", "4 3"); // dashed: some inputs are not drawn
        w.End();
        // The gradient stripe on the right: blue for positive, red for negative, stronger for larger |grad|.
        w.Start("rect").Attr("x", box.Right - 12).Attr("y", box.Y + 1).Attr("width", 11).Attr("height", box.Height - 2).Attr("rx", 4).Attr("fill", stripe).End();
        double tx = box.X + 8, cy = box.Y + box.Height / 2;
        w.Start("text").Attr("x", tx).Attr("y", cy - 8).Attr("font-size", 12).Attr("font-weight", "600").Text(HtmlText.Clip(node.Title, 20)).End();
        w.Start("text").Attr("x", tx).Attr("y", cy + 6).Attr("font-size", 11).Attr("fill", "#1e293b").Text(HtmlText.Clip(node.ValueText, 22)).End();
        w.Start("text").Attr("x", tx).Attr("y", cy + 19).Attr("font-size", 11).Attr("fill", "#7c2d12").Text(HtmlText.Clip(node.GradText, 22)).End();
        w.End();
    }

    /// <inheritdoc/>
    public override string ToText() => "Computation graph — " + HtmlText.Clip(Model.Summary, MaxSummaryChars);
}
