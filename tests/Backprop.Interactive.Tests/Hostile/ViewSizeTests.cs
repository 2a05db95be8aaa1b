using Backprop.Data;
using Backprop.Explicit;
using Backprop.Interactive.Charts;
using Backprop.Interactive.Graphs;
using Backprop.Interactive.Html;
using Backprop.Interactive.Tables;

namespace Backprop.Interactive.Tests.Hostile;

/// <summary>Issue 12: every view bounds its HTML size and says what it left out; sorting sorts every row.</summary>
public class ViewSizeTests
{
    private static readonly string HugeLabel = new('L', 1_000_000);

    private static string Html(HtmlView view)
    {
        string html = view.ToHtml();
        HtmlAssert.Parse(html);
        return html;
    }

    [Fact]
    public void SortedByGrad_sorts_every_row_before_keeping_the_first_ones_and_keeps_the_note()
    {
        var terms = new List<Value>();
        for (int i = 0; i < 1000; i++)
        {
            var x = new Value(i / 2.0, $"x{i}");
            terms.Add(x * x); // ∂/∂x = 2x = i
        }
        Value f = Value.Sum(terms);
        f.Backward();
        GradientTable sorted = f.GradientTable().SortedByGrad();
        Assert.Equal(999, sorted.Rows[0].Grad);
        Assert.Equal("x999", sorted.Rows[0].Name);
        Assert.Equal(GradientTable.DefaultMaxRows, sorted.Rows.Count);
        Assert.Equal(2001, sorted.TotalRows);
        Assert.Contains("Showing 200 of 2,001 rows (largest |grad| first).", Html(sorted));
    }

    [Fact]
    public void BackwardTrace_of_a_sum_of_many_leaves_lists_a_few_parents_and_leaves_and_counts_the_rest()
    {
        var leaves = new Value[200_000];
        for (int i = 0; i < leaves.Length; i++) leaves[i] = new Value(i);
        Value s = Value.Sum(leaves);
        string html = Html(s.BackwardTrace());
        Assert.True(html.Length < 200_000, $"{html.Length:N0} characters");
        Assert.Contains("199,988 more parents", html);
        Assert.Contains("Showing 200 of 200,000 leaves (in forward order).", html);
    }

    [Fact]
    public void A_huge_label_is_clipped_in_every_scalar_view()
    {
        var x = new Value(2, HugeLabel);
        var w = new Value(3, "w");
        Value y = (x * w + x) * x;
        y.Label = HugeLabel;
        y.Backward();
        foreach (HtmlView view in new HtmlView[] { y.Graph(), y.GradientTable(), y.BackwardTrace(), y.ChainRule(x), y.ChainRule(x, foldUnlabelled: false) })
        {
            string html = Html(view);
            Assert.True(html.Length < 100_000, $"{view.GetType().Name}: {html.Length:N0} characters");
            Assert.Contains("LLL…", html);
            Assert.True(view.ToText().Length < 100_000, $"{view.GetType().Name} text");
        }
    }

    [Fact]
    public void A_huge_label_or_rank_is_clipped_in_tensor_views()
    {
        var t = Tensor.Ones(3, 3);
        t.Label = HugeLabel;
        t.RequiresGrad = true;
        Tensor y = (t * t).Sum();
        y.Backward();
        var deep = Tensor.Ones(Enumerable.Repeat(1, 50_000).ToArray());
        foreach (HtmlView view in new HtmlView[] { t.View(), y.Graph(), deep.View(), deep.Graph() })
        {
            string html = Html(view);
            Assert.True(html.Length < 100_000, $"{view.GetType().Name}: {html.Length:N0} characters");
        }
    }

    [Fact]
    public void A_tensor_view_asked_for_a_million_rows_shows_at_most_MaxShown()
    {
        string html = Html(Tensor.Zeros(2000, 2000).View(1_000_000, 1_000_000));
        Assert.True(html.Length < 1_000_000, $"{html.Length:N0} characters");
        Assert.Contains("⋮", html);
    }

    [Fact]
    public void A_graph_asked_for_a_million_nodes_draws_at_most_MaxDrawableNodes()
    {
        Value v = new(1.0, "x");
        for (int i = 0; i < GraphOptions.MaxDrawableNodes + 500; i++) v = v.Tanh();
        GraphView view = v.Graph(new GraphOptions { MaxNodes = 1_000_000, EdgeLabels = false });
        Assert.True(view.Model.Nodes.Count <= GraphOptions.MaxDrawableNodes);
        Assert.Contains("Showing the", view.ToHtml());
        Assert.Throws<ArgumentException>(() => new GraphView(new GraphModel(
            Enumerable.Range(0, GraphOptions.MaxDrawableNodes + 1).Select(i => new GraphNode($"n{i}", "", "", "", 0, NodeKind.Input, "")).ToList(), [], 0, "")));
    }

    [Fact]
    public void A_line_chart_of_long_and_many_series_is_thinned_and_says_so()
    {
        double[] x = Enumerable.Range(0, 1_000_000).Select(i => (double)i).ToArray();
        double[] y = x.Select(v => v % 7 == 0 ? double.NaN : Math.Sin(v)).ToArray();
        var series = Enumerable.Range(0, 30).Select(k => new Series(HugeLabel, x, y, "#1d4ed8", Markers: true)).ToList();
        string svg = LineChart.Svg(series, HugeLabel, HugeLabel);
        Assert.True(svg.Length < 5_000_000, $"{svg.Length:N0} characters");
        Assert.Contains("lines thinned to at most 2,000 points", svg);
        Assert.Contains("18 more line(s) not drawn", svg);
        Assert.Contains("(the first 100 shown)", svg);
        Assert.True(LineChart.Sparkline(y).Length < 100_000);
    }

    [Fact]
    public void A_decision_boundary_of_many_points_draws_a_sample_and_says_so()
    {
        var features = new double[100_000][];
        var labels = new int[features.Length];
        for (int i = 0; i < features.Length; i++) { features[i] = [i % 317, i % 101]; labels[i] = i % 2; }
        var data = new ClassificationData(features, labels, 2);
        var view = new DecisionBoundary(data, points => points.Select(p => (p[0] > 150 ? 1 : 0, 1.0)).ToArray(), resolution: 20);
        string html = Html(view);
        Assert.True(html.Length < 1_500_000, $"{html.Length:N0} characters");
        Assert.Contains("Every 20th point is drawn (5,000 of 100,000)", html);
    }

    [Fact]
    public void A_module_view_of_many_layers_shows_the_first_ones_and_counts_all()
    {
        var rows = Enumerable.Range(0, 100_000).Select(i => new ModuleRow(HugeLabel, "Linear", "2 → 2", 6, "")).ToList();
        string html = Html(new ModuleView(HugeLabel, rows));
        Assert.True(html.Length < 200_000, $"{html.Length:N0} characters");
        Assert.Contains("Showing 200 of 100,000 layers", html);
        Assert.Contains("600,000", html);
    }

    [Fact]
    public void A_layer_delta_table_of_a_deep_network_shows_the_layers_nearest_the_loss()
    {
        var net = new DenseNetwork(2, Enumerable.Repeat(3, 119).ToArray(), 3);
        string html = Html(net.Backpropagate([0.5, -0.5], [1.0, 0, 0]).DeltaTable());
        Assert.Contains("Showing 50 of 120 layers (those nearest the loss).", html);
        Assert.True(html.Length < 1_000_000, $"{html.Length:N0} characters");
    }
}
