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
            var contributions = new List<TraceContribution>(v.ParentCount);
            for (int k = 0; k < v.ParentCount; k++)
            {
                Value p = v.GetParent(k);
                double local = v.GetLocalGradient(k), c = local * g[i];
                g[index[p]] += c;
                contributions.Add(new TraceContribution(p.DisplayName, local, c));
            }
            total++;
            if (steps.Count < maxSteps) steps.Add(new TraceStep(total, v.DisplayName, v.Op, g[i], contributions));
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
    protected override string Title => $"Backward pass of {OutputName}";

    /// <inheritdoc/>
    public override void WriteHtml(TextWriter w)
    {
        var sb = new StringBuilder("<div class=\"bp-view bp-trace\">").Append(TableWriter.Styles);
        sb.Append("<div class=\"bp-caption\">Backward pass from ").Append(HtmlText.Escape(OutputName))
          .Append(" (seed ∂").Append(HtmlText.Escape(OutputName)).Append("/∂").Append(HtmlText.Escape(OutputName))
          .Append(" = 1): each node, once all its sub-gradients have arrived, passes local × incoming to each parent.</div>");
        sb.Append("<table class=\"bp-table\">").Append(TableWriter.Header("step", "!node", "!op", "incoming grad", "!to parent", "local ∂node/∂parent", "passed back")).Append("<tbody>");
        foreach (TraceStep s in Steps)
        {
            for (int k = 0; k < Math.Max(1, s.Contributions.Count); k++)
            {
                sb.Append("<tr>");
                if (k == 0)
                {
                    string span = s.Contributions.Count > 1 ? $" rowspan=\"{s.Contributions.Count}\"" : "";
                    sb.Append($"<td class=\"bp-l\"{span}>").Append(s.Step).Append("</td>")
                      .Append($"<td class=\"bp-l\"{span}>").Append(HtmlText.Escape(s.Node)).Append("</td>")
                      .Append($"<td class=\"bp-l\"{span}>").Append(HtmlText.Escape(s.Op)).Append("</td>")
                      .Append(TableWriter.NumberCell(s.Incoming).Insert(3, span));
                }
                if (s.Contributions.Count == 0) sb.Append("<td></td><td></td><td></td>");
                else
                {
                    TraceContribution c = s.Contributions[k];
                    sb.Append(TableWriter.TextCell(c.Parent)).Append(TableWriter.NumberCell(c.Local)).Append(TableWriter.NumberCell(c.Contribution));
                }
                sb.Append("</tr>");
            }
        }
        sb.Append("</tbody></table>");
        if (_totalSteps > Steps.Count)
            sb.Append("<div class=\"bp-note\">Showing the first ").Append(Steps.Count).Append(" of ").Append(_totalSteps.ToString("N0")).Append(" steps.</div>");
        if (LeafGradients.Count > 0)
        {
            sb.Append("<div class=\"bp-caption\" style=\"margin-top:8px\">Result at the leaves:</div><table class=\"bp-table\">")
              .Append(TableWriter.Header("leaf", "grad")).Append("<tbody>");
            foreach (var (name, grad) in LeafGradients.Take(DefaultMaxSteps))
                sb.Append("<tr>").Append(TableWriter.TextCell(name)).Append(TableWriter.NumberCell(grad)).Append("</tr>");
            sb.Append("</tbody></table>");
        }
        sb.Append("</div>");
        w.Write(sb.ToString());
    }

    /// <inheritdoc/>
    public override string ToText()
    {
        var sb = new StringBuilder($"Backward pass from {OutputName}:\n");
        foreach (TraceStep s in Steps)
            sb.AppendLine($"  {s.Step}. {s.Node} ({s.Op}) grad {HtmlText.Number(s.Incoming, 6)} → " +
                          string.Join(", ", s.Contributions.Select(c => $"{c.Parent} += {HtmlText.Number(c.Local, 6)}·{HtmlText.Number(s.Incoming, 6)} = {HtmlText.Number(c.Contribution, 6)}")));
        if (_totalSteps > Steps.Count) sb.AppendLine($"  … {_totalSteps - Steps.Count} more steps");
        return sb.ToString().TrimEnd();
    }
}
