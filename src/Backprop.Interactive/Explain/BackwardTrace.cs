using System.Text;
using Backprop.Interactive.Html;
using Backprop.Interactive.Tables;

namespace Backprop.Interactive.Explain;

/// <summary>What one node passes to one parent in the backward pass.</summary>
/// <param name="Parent">The parent's name.</param>
/// <param name="Local">The local derivative ∂node/∂parent.</param>
/// <param name="Contribution">Local × incoming: the sub-gradient the parent receives.</param>
public sealed record TraceContribution(string Parent, double Local, double Contribution);

/// <summary>One step of the backward pass: a node, its complete incoming gradient and what it passes on.</summary>
/// <param name="Step">1 for the output, then in the order backprop visits nodes.</param>
/// <param name="Node">The node's name.</param>
/// <param name="Op">Its op.</param>
/// <param name="Incoming">∂output/∂node, complete when the node is visited (all its sub-gradients added).</param>
/// <param name="Contributions">What it passes to each parent.</param>
public sealed record TraceStep(int Step, string Node, string Op, double Incoming, IReadOnlyList<TraceContribution> Contributions);

/// <summary>
/// The backward pass as ordered steps: the output starts with gradient 1; each node, once every path
/// has delivered its sub-gradient, multiplies it by each local derivative and passes the products to
/// its parents. Computed afresh (seed 1), independent of the gradients already stored on the graph.
/// </summary>
public sealed class BackwardTrace : HtmlView
{
    /// <summary>Steps beyond this are counted, not listed.</summary>
    public const int DefaultMaxSteps = 200;

    /// <summary>Parents listed per step (and leaves listed in the result); the rest are counted.</summary>
    public const int MaxListedParents = 12;

    private readonly int _totalSteps;

    /// <summary>Traces backpropagation from <paramref name="output"/>.</summary>
    public BackwardTrace(Value output, int maxSteps = DefaultMaxSteps)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (maxSteps < 1) throw new ArgumentException($"BackwardTrace: expected maxSteps ≥ 1, got {maxSteps}.", nameof(maxSteps));
        OutputName = output.DisplayName;
        IReadOnlyList<Value> order = output.TopologicalOrder();
        var index = new Dictionary<Value, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < order.Count; i++) index[order[i]] = i;
        var g = new double[order.Count];
        g[^1] = 1;
        var steps = new List<TraceStep>();
        var leaves = new List<(string, double)>();
        int total = 0;
        for (int i = order.Count - 1; i >= 0; i--)
        {
            Value v = order[i];
            if (v.IsLeaf)
            {
                if (!v.IsConstant) leaves.Add((v.DisplayName, g[i]));
                continue;
            }
            bool listed = steps.Count < maxSteps; // steps past the limit are only propagated, not recorded
            var contributions = listed ? new List<TraceContribution>(v.ParentCount) : null;
            for (int k = 0; k < v.ParentCount; k++)
            {
                Value p = v.GetParent(k);
                double local = v.GetLocalGradient(k), c = local * g[i];
                g[index[p]] += c;
                contributions?.Add(new TraceContribution(p.DisplayName, local, c));
            }
            total++;
            if (listed) steps.Add(new TraceStep(total, v.DisplayName, v.Op, g[i], contributions!));
        }
        _totalSteps = total;
        Steps = steps;
        leaves.Reverse();
        LeafGradients = leaves;
    }

    /// <summary>The output's name.</summary>
    public string OutputName { get; }

    /// <summary>The steps listed.</summary>
    public IReadOnlyList<TraceStep> Steps { get; }

    /// <summary>The final gradient of every non-constant leaf, in forward order.</summary>
    public IReadOnlyList<(string Name, double Grad)> LeafGradients { get; }

    /// <inheritdoc/>
    protected override string Title => $"Backward pass of {HtmlText.Short(OutputName)}";

    /// <inheritdoc/>
    public override void WriteHtml(TextWriter writer)
    {
        var w = new HtmlWriter(writer).BeginView("bp-trace", TableWriter.Css);
        string output = HtmlText.Short(OutputName);
        w.Element("div", "bp-caption", $"Backward pass from {output} (seed ∂{output}/∂{output} = 1): " +
                                       "each node, once all its sub-gradients have arrived, passes local × incoming to each parent.");
        w.BeginTable("step", "!node", "!op", "incoming grad", "!to parent", "local ∂node/∂parent", "passed back");
        foreach (TraceStep s in Steps)
        {
            int listed = Math.Min(s.Contributions.Count, MaxListedParents);
            int hidden = s.Contributions.Count - listed;
            int rows = Math.Max(1, listed + (hidden > 0 ? 1 : 0));
            for (int k = 0; k < rows; k++)
            {
                w.Start("tr");
                if (k == 0)
                {
                    w.Start("td", "bp-l");
                    if (rows > 1) w.Attr("rowspan", rows);
                    w.Text(s.Step).End().TextCell(s.Node, rows).TextCell(s.Op, rows).NumberCell(s.Incoming, rowSpan: rows);
                }
                if (s.Contributions.Count == 0) w.EmptyCell().EmptyCell().EmptyCell();
                else if (k == listed)
                    w.Start("td", "bp-l bp-note").Attr("colspan", 3).Text("… ").Count(hidden).Text(" more parents (")
                     .Text(HtmlText.ShowingNote(listed, s.Contributions.Count, "parents")).Text(")").End();
                else
                {
                    TraceContribution c = s.Contributions[k];
                    w.TextCell(c.Parent).NumberCell(c.Local).NumberCell(c.Contribution);
                }
                w.End();
            }
        }
        w.EndTable();
        if (_totalSteps > Steps.Count) w.Note(Steps.Count, _totalSteps, "steps", "the first ones");
        if (LeafGradients.Count > 0)
        {
            w.Start("div", "bp-caption").Attr("style", "margin-top:8px").Text("Result at the leaves:").End().BeginTable("leaf", "grad");
            int shown = Math.Min(LeafGradients.Count, DefaultMaxSteps);
            for (int i = 0; i < shown; i++) w.Start("tr").TextCell(LeafGradients[i].Name).NumberCell(LeafGradients[i].Grad).End();
            w.EndTable();
            if (LeafGradients.Count > shown) w.Note(shown, LeafGradients.Count, "leaves", "in forward order");
        }
        w.End();
    }

    /// <inheritdoc/>
    public override string ToText()
    {
        var sb = new StringBuilder($"Backward pass from {HtmlText.Short(OutputName)}:\n");
        foreach (TraceStep s in Steps)
            sb.AppendLine($"  {s.Step}. {HtmlText.Short(s.Node)} ({HtmlText.Short(s.Op)}) grad {HtmlText.Number(s.Incoming, 6)} → " +
                          string.Join(", ", s.Contributions.Take(MaxListedParents).Select(c => $"{HtmlText.Short(c.Parent)} += {HtmlText.Number(c.Local, 6)}·{HtmlText.Number(s.Incoming, 6)} = {HtmlText.Number(c.Contribution, 6)}")) +
                          (s.Contributions.Count > MaxListedParents ? $", … {s.Contributions.Count - MaxListedParents} more" : ""));
        if (_totalSteps > Steps.Count) sb.AppendLine($"  … {_totalSteps - Steps.Count} more steps");
        return sb.ToString().TrimEnd();
    }
}
