using System.Text;
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
    public override void WriteHtml(TextWriter w)
    {
        w.Write("<div class=\"bp-view bp-graph\">");
        w.Write(Styles);
        w.Write("<div class=\"bp-caption\">");
        w.Write(HtmlText.Escape(HtmlText.Clip(Model.Summary, MaxSummaryChars)));
        w.Write("</div>");
        WriteLegend(w);
        WriteSvg(w);
        w.Write("</div>");
    }

    private const string Styles =
        "<style>" + ViewStyle.Base +
        ".bp-legend{display:flex;flex-wrap:wrap;gap:10px;font-size:12px;margin-bottom:6px;color:#333}" +
        ".bp-legend span{display:inline-flex;align-items:center;gap:4px}.bp-swatch{display:inline-block;width:12px;height:12px;border:1px solid #888;border-radius:2px}" +
        ".bp-graph svg{max-width:none;overflow:visible}.bp-graph .bp-scroll{overflow:auto;max-width:100%;border:1px solid #eee;border-radius:4px;background:#fff}</style>";

    internal static readonly IReadOnlyDictionary<NodeKind, string> KindFill = new Dictionary<NodeKind, string>
    {
        [NodeKind.Input] = "#dbeafe",
        [NodeKind.Parameter] = "#fef3c7",
        [NodeKind.Constant] = "#f1f5f9",
        [NodeKind.Intermediate] = "#ffffff",
        [NodeKind.Output] = "#dcfce7",
    };

    private void WriteLegend(TextWriter w)
    {
        w.Write("<div class=\"bp-legend\">");
        foreach (var (kind, fill) in KindFill)
            w.Write($"<span><i class=\"bp-swatch\" style=\"background:{fill}\"></i>{kind.ToString().ToLowerInvariant()}</span>");
        w.Write($"<span><i class=\"bp-swatch\" style=\"background:{HtmlText.Diverging(-1, 1)}\"></i>grad &lt; 0</span>");
        w.Write($"<span><i class=\"bp-swatch\" style=\"background:{HtmlText.Diverging(1, 1)}\"></i>grad &gt; 0</span>");
        w.Write("<span>edge label: ∂child/∂parent</span></div>");
    }

    private void WriteSvg(TextWriter w)
    {
        double scale = 0;
        // Scale by the largest gradient below the output (whose own gradient is just the seed, 1).
        foreach (GraphNode n in Model.Nodes)
            if (n.Kind != NodeKind.Output && double.IsFinite(n.Grad)) scale = Math.Max(scale, Math.Abs(n.Grad));
        var sb = new StringBuilder();
        sb.Append("<div class=\"bp-scroll\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").Append(HtmlText.Px(Layout.Width))
          .Append("\" height=\"").Append(HtmlText.Px(Layout.Height)).Append("\" viewBox=\"0 0 ").Append(HtmlText.Px(Layout.Width)).Append(' ')
          .Append(HtmlText.Px(Layout.Height)).Append("\" font-family=\"system-ui,sans-serif\">");
        sb.Append("<defs><marker id=\"bp-arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">")
          .Append("<path d=\"M0,0L8,4L0,8z\" fill=\"#94a3b8\"/></marker></defs>");
        sb.Append("<g fill=\"none\" stroke=\"#94a3b8\" stroke-width=\"1.2\">");
        for (int e = 0; e < Model.Edges.Count; e++)
        {
            sb.Append("<path marker-end=\"url(#bp-arrow)\" d=\"");
            AppendPath(sb, Layout.Routes[e]);
            sb.Append("\"/>");
        }
        sb.Append("</g>");
        if (Options.EdgeLabels)
        {
            sb.Append("<g font-size=\"10\" fill=\"#475569\" text-anchor=\"end\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\">");
            for (int e = 0; e < Model.Edges.Count; e++)
            {
                var end = Layout.Routes[e][^1];
                GraphEdge edge = Model.Edges[e];
                sb.Append("<text x=\"").Append(HtmlText.Px(end.X - 5)).Append("\" y=\"").Append(HtmlText.Px(end.Y - 3)).Append("\"><title>∂")
                  .Append(HtmlText.Escape(HtmlText.Clip(Model.Nodes[edge.To].Title, MaxTitleChars))).Append("/∂")
                  .Append(HtmlText.Escape(HtmlText.Clip(Model.Nodes[edge.From].Title, MaxTitleChars))).Append(" = ")
                  .Append(HtmlText.Escape(HtmlText.Clip(edge.Label, MaxTitleChars))).Append("</title>").Append(HtmlText.Escape(EdgeLabelText(edge))).Append("</text>");
            }
            sb.Append("</g>");
        }
        for (int i = 0; i < Model.Nodes.Count; i++) AppendNode(sb, Model.Nodes[i], Layout.Nodes[i], scale);
        sb.Append("</svg></div>");
        w.Write(sb.ToString());
    }

    private static void AppendPath(StringBuilder sb, (double X, double Y)[] points)
    {
        sb.Append('M').Append(HtmlText.Px(points[0].X)).Append(',').Append(HtmlText.Px(points[0].Y));
        for (int k = 1; k < points.Length; k++)
        {
            var (ax, ay) = points[k - 1];
            var (bx, by) = points[k];
            if (Math.Abs(ay - by) < 0.05)
            {
                sb.Append('L').Append(HtmlText.Px(bx)).Append(',').Append(HtmlText.Px(by));
                continue;
            }
            double dx = (bx - ax) / 2;
            sb.Append('C').Append(HtmlText.Px(ax + dx)).Append(',').Append(HtmlText.Px(ay)).Append(' ')
              .Append(HtmlText.Px(bx - dx)).Append(',').Append(HtmlText.Px(by)).Append(' ')
              .Append(HtmlText.Px(bx)).Append(',').Append(HtmlText.Px(by));
        }
    }

    private static void AppendNode(StringBuilder sb, GraphNode node, Box box, double scale)
    {
        string fill = KindFill[node.Kind];
        string stripe = node.GradKnown ? HtmlText.Diverging(node.Grad, scale) : "#e2e8f0";
        string stroke = node.Kind == NodeKind.Output ? "#16a34a" : node.Kind == NodeKind.Parameter ? "#d97706" : "#64748b";
        sb.Append("<g class=\"bp-node\"><title>").Append(HtmlText.Escape(HtmlText.Clip(node.Tooltip, MaxTooltipChars))).Append("</title>");
        sb.Append("<rect x=\"").Append(HtmlText.Px(box.X)).Append("\" y=\"").Append(HtmlText.Px(box.Y)).Append("\" width=\"").Append(HtmlText.Px(box.Width))
          .Append("\" height=\"").Append(HtmlText.Px(box.Height)).Append("\" rx=\"6\" fill=\"").Append(fill).Append("\" stroke=\"").Append(stroke)
          .Append(node.HiddenInputs > 0 ? "\" stroke-dasharray=\"4 3" : "").Append("\"/>"); // dashed: some inputs are not drawn
        // The gradient stripe on the right: blue for positive, red for negative, stronger for larger |grad|.
        sb.Append("<rect x=\"").Append(HtmlText.Px(box.Right - 12)).Append("\" y=\"").Append(HtmlText.Px(box.Y + 1)).Append("\" width=\"11\" height=\"")
          .Append(HtmlText.Px(box.Height - 2)).Append("\" rx=\"4\" fill=\"").Append(stripe).Append("\"/>");
        double tx = box.X + 8, cy = box.Y + box.Height / 2;
        sb.Append("<text x=\"").Append(HtmlText.Px(tx)).Append("\" y=\"").Append(HtmlText.Px(cy - 8)).Append("\" font-size=\"12\" font-weight=\"600\">")
          .Append(HtmlText.Escape(HtmlText.Clip(node.Title, 20))).Append("</text>");
        sb.Append("<text x=\"").Append(HtmlText.Px(tx)).Append("\" y=\"").Append(HtmlText.Px(cy + 6)).Append("\" font-size=\"11\" fill=\"#1e293b\">")
          .Append(HtmlText.Escape(HtmlText.Clip(node.ValueText, 22))).Append("</text>");
        sb.Append("<text x=\"").Append(HtmlText.Px(tx)).Append("\" y=\"").Append(HtmlText.Px(cy + 19)).Append("\" font-size=\"11\" fill=\"#7c2d12\">")
          .Append(HtmlText.Escape(HtmlText.Clip(node.GradText, 22))).Append("</text>");
        sb.Append("</g>");
    }

    /// <inheritdoc/>
    public override string ToText() => "Computation graph — " + HtmlText.Clip(Model.Summary, MaxSummaryChars);
}
