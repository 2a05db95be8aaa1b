using Backprop.Interactive.Explain;
using Backprop.Interactive.Graphs;
using Backprop.Interactive.Tables;

namespace Backprop.Interactive;

/// <summary>Views of a scalar <see cref="Value"/> graph: <c>loss.Graph()</c>, <c>loss.GradientTable()</c>, ….</summary>
public static class ValueViews
{
    /// <summary>The computation graph of <paramref name="output"/> as SVG (collapsed when large).</summary>
    public static GraphView Graph(this Value output, GraphOptions? options = null) =>
        new(ValueGraph.Build(output, options), options);

    /// <summary>One row per node (or per parameter) with value, gradient and optional update preview and numeric check.</summary>
    public static GradientTable GradientTable(this Value output, double? learningRate = null, GradCheckResult? check = null,
        bool parametersOnly = false, GradientOrder order = GradientOrder.Topological) =>
        Tables.GradientTable.For(output, learningRate, check, parametersOnly, order);

    /// <summary>Every path from <paramref name="parameter"/> to <paramref name="output"/>, with the chain-rule factors and their sum.</summary>
    public static ChainRulePaths ChainRule(this Value output, Value parameter, bool foldUnlabelled = true) =>
        new(output, parameter, foldUnlabelled);

    /// <summary>The backward pass as ordered steps.</summary>
    public static BackwardTrace BackwardTrace(this Value output) => new(output);
}
