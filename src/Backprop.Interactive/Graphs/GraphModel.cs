namespace Backprop.Interactive.Graphs;

/// <summary>What a node is, for colouring.</summary>
public enum NodeKind
{
    /// <summary>A leaf that is data (x, t).</summary>
    Input,
    /// <summary>A trainable leaf (w, b).</summary>
    Parameter,
    /// <summary>A constant folded into an expression.</summary>
    Constant,
    /// <summary>A computed value.</summary>
    Intermediate,
    /// <summary>The value the graph was drawn for (usually the loss).</summary>
    Output,
}

/// <summary>A node as drawn: its texts and the numbers that colour it.</summary>
/// <param name="Title">First line: the label, else the op.</param>
/// <param name="Op">The operation ("" for a leaf).</param>
/// <param name="ValueText">Second line, e.g. "data 0.5" or "[2, 3] μ 0.1".</param>
/// <param name="GradText">Third line, e.g. "grad −0.25".</param>
/// <param name="Grad">A signed gradient magnitude used for colour (NaN when unknown).</param>
/// <param name="Kind">Input, parameter, constant, intermediate or output.</param>
/// <param name="Tooltip">Full-precision details shown on hover (an SVG title: no script).</param>
/// <param name="HiddenInputs">Inputs of this node left out of a collapsed drawing.</param>
public sealed record GraphNode(string Title, string Op, string ValueText, string GradText, double Grad,
    NodeKind Kind, string Tooltip, int HiddenInputs = 0)
{
    /// <summary>False when the node has no gradient to show (not computed or not kept): drawn neutral, not as NaN.</summary>
    public bool GradKnown { get; init; } = true;
}

/// <summary>An edge from a parent (an operand) to the node computed from it.</summary>
/// <param name="From">Index of the parent node.</param>
/// <param name="To">Index of the child node.</param>
/// <param name="Label">The local derivative ∂child/∂parent, or another short text.</param>
public sealed record GraphEdge(int From, int To, string Label);

/// <summary>A graph ready to lay out and draw, possibly a collapsed part of a larger one.</summary>
public sealed class GraphModel
{
    /// <summary>Creates a model.</summary>
    public GraphModel(IReadOnlyList<GraphNode> nodes, IReadOnlyList<GraphEdge> edges, int totalNodes, string summary)
    {
        Nodes = nodes;
        Edges = edges;
        TotalNodes = totalNodes;
        Summary = summary;
    }

    /// <summary>The nodes drawn.</summary>
    public IReadOnlyList<GraphNode> Nodes { get; }

    /// <summary>The edges drawn (parent → child).</summary>
    public IReadOnlyList<GraphEdge> Edges { get; }

    /// <summary>Nodes in the whole graph (more than <see cref="Nodes"/> when collapsed).</summary>
    public int TotalNodes { get; }

    /// <summary>True when only part of the graph is drawn.</summary>
    public bool IsCollapsed => TotalNodes > Nodes.Count;

    /// <summary>A one-line description with counts.</summary>
    public string Summary { get; }
}

/// <summary>How much of a graph to draw.</summary>
public sealed record GraphOptions
{
    /// <summary>The default node budget: larger graphs collapse to the nodes nearest the output.</summary>
    public const int DefaultMaxNodes = 150;

    /// <summary>The most nodes any drawing has, whatever <see cref="MaxNodes"/> says (the size of the page stays bounded).</summary>
    public const int MaxDrawableNodes = 5000;

    /// <summary>At most this many nodes are drawn (the ones nearest the output; never more than
    /// <see cref="MaxDrawableNodes"/>); the rest are counted.</summary>
    public int MaxNodes { get; init; } = DefaultMaxNodes;

    /// <summary>If set, draw the nodes at most this many edges away from the output (still within <see cref="MaxNodes"/>).</summary>
    public int? Depth { get; init; }

    /// <summary>Show edge labels (local derivatives).</summary>
    public bool EdgeLabels { get; init; } = true;

    /// <summary>Draw everything (up to 5,000 nodes, beyond which a drawing is not readable anyway).</summary>
    public static GraphOptions Full => new() { MaxNodes = MaxDrawableNodes };
}
