using System.Text;
using Backprop.Interactive.Html;
using Backprop.Interactive.Tables;

namespace Backprop.Interactive.Explain;

/// <summary>One factor of a path: ∂to/∂from, the product of the local derivatives between two named nodes.</summary>
/// <param name="From">The node the factor differentiates by.</param>
/// <param name="To">The node it differentiates.</param>
/// <param name="Value">∂To/∂From along this path.</param>
public sealed record PathFactor(string From, string To, double Value);

/// <summary>One path from the parameter to the output: its factors and their product.</summary>
/// <param name="Nodes">The named nodes along the path, parameter first.</param>
/// <param name="Factors">One factor per step between consecutive named nodes.</param>
/// <param name="Product">The product of the factors: this path's share of the gradient.</param>
public sealed record ChainPath(IReadOnlyList<string> Nodes, IReadOnlyList<PathFactor> Factors, double Product);

/// <summary>
/// The chain rule written out: every path from a parameter to the output, each a product of local
/// derivatives, and their sum — which equals the gradient backpropagation computed (note 001's
/// ∂J/∂w₁₁ = ∂J/∂o·∂o/∂h₃·∂h₃/∂h₁·∂h₁/∂w₁₁ + ∂J/∂o·∂o/∂h₄·∂h₄/∂h₁·∂h₁/∂w₁₁).
/// </summary>
/// <remarks>Unlabelled intermediate nodes are folded into the factors between labelled ones, so a path
/// reads like the notes (∂h₁/∂w₁₁ rather than one factor per multiply and add); set
/// <c>foldUnlabelled: false</c> to see every node.</remarks>
public sealed class ChainRulePaths : HtmlView
{
    /// <summary>Paths beyond this are counted and summed, not listed.</summary>
    public const int DefaultMaxPaths = 64;

    /// <summary>The most paths the HTML lists, whatever maxPaths is: the rest are counted (and are in the sum).</summary>
    public const int MaxRenderedPaths = 500;

    /// <summary>Enumerates the paths from <paramref name="parameter"/> to <paramref name="output"/>.</summary>
    public ChainRulePaths(Value output, Value parameter, bool foldUnlabelled = true, int maxPaths = DefaultMaxPaths)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(parameter);
        if (maxPaths < 1) throw new ArgumentException($"ChainRulePaths: expected maxPaths ≥ 1, got {maxPaths}.", nameof(maxPaths));
        OutputName = output.DisplayName;
        ParameterName = parameter.DisplayName;
        BackpropGradient = parameter.Grad;

        IReadOnlyList<Value> order = output.TopologicalOrder();
        var index = new Dictionary<Value, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < order.Count; i++) index[order[i]] = i;
        if (!index.TryGetValue(parameter, out int start))
            throw new ArgumentException($"ChainRulePaths: {ParameterName} is not part of the graph of {OutputName}; expected a value it depends on.", nameof(parameter));

        // Children with the local derivative of each edge (one edge per operand slot).
        var children = new List<(int Child, double Local)>[order.Count];
        for (int i = 0; i < order.Count; i++) children[i] = [];
        for (int i = 0; i < order.Count; i++)
            for (int k = 0; k < order[i].ParentCount; k++)
                children[index[order[i].GetParent(k)]].Add((i, order[i].GetLocalGradient(k)));

        // Exact sum over all paths by dynamic programming (in reverse topological order).
        var sum = new double[order.Count];
        var count = new double[order.Count];
        int target = order.Count - 1;
        sum[target] = 1; count[target] = 1;
        for (int i = target - 1; i >= 0; i--)
            foreach (var (c, local) in children[i])
            {
                sum[i] += local * sum[c];
                count[i] += count[c];
            }
        PathSum = sum[start];
        PathCount = count[start];

        // List the first paths explicitly (depth-first, iterative).
        var paths = new List<ChainPath>();
        var stack = new List<(int Node, int Next, double Local)> { (start, 0, 1) };
        while (stack.Count > 0 && paths.Count < maxPaths)
        {
            var (node, next, _) = stack[^1];
            if (node == target)
            {
                paths.Add(MakePath(stack, order, foldUnlabelled));
                stack.RemoveAt(stack.Count - 1);
                continue;
            }
            if (next < children[node].Count)
            {
                stack[^1] = (node, next + 1, stack[^1].Local);
                var (child, local) = children[node][next];
                stack.Add((child, 0, local));
            }
            else stack.RemoveAt(stack.Count - 1);
        }
        Paths = paths;
    }

    private static ChainPath MakePath(List<(int Node, int Next, double Local)> stack, IReadOnlyList<Value> order, bool fold)
    {
        var names = new List<string> { order[stack[0].Node].DisplayName };
        var factors = new List<PathFactor>();
        double product = 1, segment = 1;
        string from = names[0];
        for (int k = 1; k < stack.Count; k++)
        {
            Value v = order[stack[k].Node];
            segment *= stack[k].Local;
            product *= stack[k].Local;
            bool named = !fold || v.Label is not null || k == stack.Count - 1;
            if (!named) continue;
            factors.Add(new PathFactor(from, v.DisplayName, segment));
            names.Add(v.DisplayName);
            from = v.DisplayName;
            segment = 1;
        }
        return new ChainPath(names, factors, product);
    }

    /// <summary>The output's name.</summary>
    public string OutputName { get; }

    /// <summary>The parameter's name.</summary>
    public string ParameterName { get; }

    /// <summary>The paths listed (at most maxPaths).</summary>
    public IReadOnlyList<ChainPath> Paths { get; }

    /// <summary>How many paths there are in all (a double: path counts grow exponentially).</summary>
    public double PathCount { get; }

    /// <summary>Σ over all paths of the product of local derivatives: ∂output/∂parameter.</summary>
    public double PathSum { get; }

    /// <summary>The parameter's <see cref="Value.Grad"/> when the view was made (what backprop computed).</summary>
    public double BackpropGradient { get; }

    /// <summary>True when the path sum equals the backprop gradient to 1e-9 relative.</summary>
    public bool Agrees => Math.Abs(PathSum - BackpropGradient) <= 1e-9 * Math.Max(1, Math.Abs(PathSum));

    /// <inheritdoc/>
    protected override string Title => $"Chain rule: ∂{HtmlText.Short(OutputName)}/∂{HtmlText.Short(ParameterName)}";

    /// <inheritdoc/>
    public override void WriteHtml(TextWriter writer)
    {
        var w = new HtmlWriter(writer).BeginView("bp-paths", TableWriter.Css);
        w.Start("div", "bp-caption").Text("∂").ShortText(OutputName).Text("/∂").ShortText(ParameterName).Text(" as a sum over ")
         .Text(HtmlText.Count(PathCount)).Text(PathCount == 1 ? " path" : " paths").Text(": each path multiplies the local derivatives along it.").End();
        w.BeginTable("#", "!path", "!factors", "product");
        int shown = Math.Min(Paths.Count, MaxRenderedPaths);
        for (int p = 0; p < shown; p++)
        {
            ChainPath path = Paths[p];
            w.Start("tr").Start("td", "bp-l").Text(p + 1).End().TextCell(PathText(path)).TextCell(FactorsText(path)).NumberCell(path.Product).End();
        }
        if (PathCount > shown)
            w.Start("tr").Element("td", "bp-l", "…").Start("td", "bp-l").Attr("colspan", 2).Text(HtmlText.Count(PathCount - shown))
             .Text(" more paths (included in the sum)").End().EmptyCell().End();
        w.Start("tr").Start("th", "bp-l").Attr("colspan", 3).Text("sum over paths").End().NumberCell(PathSum).End();
        w.Start("tr").Start("th", "bp-l").Attr("colspan", 3).Text("backprop: ").ShortText(ParameterName).Text(".Grad ");
        if (Agrees) w.Element("span", "bp-ok", "= sum ✓");
        else w.Element("span", "bp-bad", "≠ sum (was Backward run once, after ZeroGrad?)");
        w.End().NumberCell(BackpropGradient).End();
        w.EndTable().End();
    }

    /// <summary>"w → h₁ → J", at most <see cref="HtmlText.MaxTextChars"/> characters (a path can be very long).</summary>
    private static string PathText(ChainPath path) => HtmlText.Short(JoinShort(path.Nodes.Select(HtmlText.Short), " → "));

    private static string FactorsText(ChainPath path) =>
        HtmlText.Short(JoinShort(path.Factors.Select(f => $"∂{HtmlText.Short(f.To)}/∂{HtmlText.Short(f.From)} = {HtmlText.Number(f.Value, 6)}"), " · "));

    /// <summary>Joins parts until the text is longer than <see cref="HtmlText.MaxTextChars"/> (the caller clips it).</summary>
    private static string JoinShort(IEnumerable<string> parts, string separator)
    {
        var sb = new StringBuilder();
        foreach (string part in parts)
        {
            if (sb.Length > 0) sb.Append(separator);
            sb.Append(part);
            if (sb.Length > HtmlText.MaxTextChars) break;
        }
        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToText()
    {
        var sb = new StringBuilder($"∂{HtmlText.Short(OutputName)}/∂{HtmlText.Short(ParameterName)} over {HtmlText.Count(PathCount)} path(s):\n");
        foreach (ChainPath path in Paths.Take(MaxRenderedPaths))
            sb.AppendLine($"  {PathText(path)}: {HtmlText.Short(string.Join(" · ", path.Factors.Select(f => HtmlText.Number(f.Value, 6))))} = {HtmlText.Number(path.Product, 6)}");
        sb.Append($"  sum = {HtmlText.Number(PathSum, 10)}; backprop grad = {HtmlText.Number(BackpropGradient, 10)} {(Agrees ? "✓" : "✗")}");
        return sb.ToString();
    }
}
