using Backprop.Core.Tests.Scalar;
using Backprop.Interactive.Explain;
using Backprop.Interactive.Graphs;
using Backprop.Interactive.Html;
using Backprop.Interactive.Tables;
using Backprop.Scalar;

namespace Backprop.Interactive.Tests;

public class ScalarViewTests
{
    private static readonly double[] NonZeroWeights = [0.3, -0.4, 0.5, 0.6, 0.7, -0.8, 0.9, 1.1, -0.5];

    private static Note001Network Note001()
    {
        var net = new Note001Network(NonZeroWeights, 0.5, 1.0, 0.25);
        net.H1.Label = "h1"; net.H2.Label = "h2"; net.H3.Label = "h3"; net.H4.Label = "h4"; net.O.Label = "o"; net.J.Label = "J";
        net.J.Backward();
        return net;
    }

    [Fact]
    public void Graph_of_note_001_is_well_formed_and_shows_every_weight_gradient()
    {
        var net = Note001();
        GraphView view = net.J.Graph();
        var doc = HtmlAssert.Parse(view.ToHtml());
        HtmlAssert.SvgsHaveSize(doc);
        string text = doc.Body!.TextContent;
        foreach (Value w in net.Weights)
        {
            Assert.Contains(w.Label!, text);
            Assert.Contains("grad " + HtmlText.Number(w.Grad), text);
        }
        Assert.False(view.Model.IsCollapsed);
        Assert.Equal(net.J.TopologicalOrder().Count, view.Model.Nodes.Count);
        // Edge labels are the local derivatives: ∂(w11·x1)/∂w11 = x1 = 0.5 appears.
        Assert.Contains(view.Model.Edges, e => e.Label == HtmlText.Number(net.X1.Data));
    }

    [Fact]
    public void Graph_layout_has_no_overlapping_boxes_and_edges_go_left_to_right()
    {
        var mlp = new ValueMLP(3, [4, 4], 2, seed: 2);
        Value loss = ScalarLosses.MSE(mlp.Forward(0.5, -1, 2), [1.0, 0.0]);
        loss.Backward();
        foreach (GraphView view in new[] { Note001().J.Graph(), loss.Graph(GraphOptions.Full) })
        {
            Layout layout = view.Layout;
            for (int i = 0; i < layout.Nodes.Count; i++)
                for (int j = i + 1; j < layout.Nodes.Count; j++)
                    Assert.False(layout.Nodes[i].Overlaps(layout.Nodes[j]), $"nodes {i} and {j} overlap");
            for (int e = 0; e < view.Model.Edges.Count; e++)
            {
                var route = layout.Routes[e];
                for (int k = 1; k < route.Length; k++) Assert.True(route[k].X >= route[k - 1].X, $"edge {e} goes right to left");
                Assert.True(layout.Layers[view.Model.Edges[e].From] < layout.Layers[view.Model.Edges[e].To]);
            }
            var labels = Enumerable.Range(0, view.Model.Edges.Count).Select(view.EdgeLabelBox).ToArray();
            for (int a = 0; a < labels.Length; a++)
            {
                for (int b = a + 1; b < labels.Length; b++) Assert.False(labels[a].Overlaps(labels[b]), $"edge labels {a} and {b} overlap");
                foreach (Box node in layout.Nodes) Assert.False(labels[a].Overlaps(node), $"edge label {a} overlaps a node");
            }
        }
    }

    [Fact]
    public void Layout_reduces_crossings_of_a_layer_drawn_in_reverse()
    {
        // Two chains drawn crossed: a→d, b→c with a,b in one layer and c,d in the next.
        var layout = LayeredLayout.Compute([(10, 10), (10, 10), (10, 10), (10, 10)], [(0, 3), (1, 2)], 20);
        Assert.Equal(0, layout.Crossings);
    }

    [Fact]
    public void Labels_are_escaped_never_run()
    {
        var x = new Value(1, "<script>alert('x')</script>");
        Value y = (x * 2).Tanh();
        y.Label = "<b>bold</b> & co";
        y.Backward();
        foreach (HtmlView view in new HtmlView[] { y.Graph(), y.GradientTable(), y.BackwardTrace(), y.ChainRule(x) })
        {
            var doc = HtmlAssert.Parse(view.ToHtml()); // asserts there is no script element
            Assert.Empty(doc.QuerySelectorAll("b"));
            Assert.Contains("<script>alert('x')</script>", doc.Body!.TextContent);
        }
    }

    [Fact]
    public void A_large_graph_collapses_to_a_small_output_with_counts()
    {
        var mlp = new ValueMLP(2, [16, 16], 1, seed: 1);
        var data = Backprop.Data.Datasets.TwoMoons(40, 0.1, 3);
        Value loss = ScalarLosses.Hinge(data.Features.Select(f => mlp.Predict(f)).ToArray(), data.Labels.Select(l => l == 1 ? 1.0 : -1.0).ToArray());
        loss.Backward();
        GraphView view = loss.Graph();
        Assert.True(view.Model.TotalNodes > 10_000);
        Assert.True(view.Model.IsCollapsed);
        Assert.True(view.Model.Nodes.Count <= GraphOptions.DefaultMaxNodes);
        string html = view.ToHtml();
        Assert.True(html.Length < 200_000, $"{html.Length} characters");
        Assert.Contains($"{view.Model.TotalNodes:N0} nodes", html);
        Assert.Contains("Showing the", html);
        // Asking for more draws more, within the budget.
        GraphView deeper = loss.Graph(new GraphOptions { MaxNodes = 2000 });
        Assert.True(deeper.Model.Nodes.Count > view.Model.Nodes.Count && deeper.Model.Nodes.Count <= 2000);
        GraphView shallow = loss.Graph(new GraphOptions { Depth = 2 });
        Assert.True(shallow.Model.Nodes.Count < view.Model.Nodes.Count);
    }

    [Fact]
    public void Gradient_table_has_update_preview_and_numeric_check()
    {
        var net = Note001();
        GradCheckResult check = GradCheck.Check(net.Weights, net.Forward);
        net.Forward(); // the check's last evaluations ran without a graph: build it again
        net.J.Label = "J";
        net.J.ZeroGrad();
        net.J.Backward();
        GradientTable table = net.J.GradientTable(learningRate: 0.1, check: check, parametersOnly: true);
        Assert.Equal(9, table.Rows.Count);
        foreach (GradientRow row in table.Rows)
        {
            Value w = net.Weights.Single(v => v.Label == row.Name);
            Assert.Equal(w.Data - 0.1 * w.Grad, row.Updated, 15);
            Assert.Equal(w.Grad, row.Numeric, 6);
            Assert.True(row.RelativeError < 1e-6);
        }
        var doc = HtmlAssert.Parse(table.ToHtml());
        Assert.Equal(9, doc.QuerySelectorAll("tbody tr").Length);
        Assert.Contains("numeric grad", doc.QuerySelector("thead")!.TextContent);
        GradientTable sorted = table.SortedByGrad();
        Assert.Equal(table.Rows.Max(r => Math.Abs(r.Grad)), Math.Abs(sorted.Rows[0].Grad));
        Assert.Contains("w11", table.ToString());
    }

    [Fact]
    public void Chain_rule_paths_of_w11_are_the_two_paths_of_note_001_and_sum_to_the_gradient()
    {
        var net = Note001();
        ChainRulePaths paths = net.J.ChainRule(net.W11);
        Assert.Equal(2, paths.PathCount);
        Assert.Equal(2, paths.Paths.Count);
        Assert.True(paths.Agrees);
        Assert.Equal(net.W11.Grad, paths.PathSum, 14);
        Assert.Contains(paths.Paths, p => p.Nodes.SequenceEqual(["w11", "h1", "h3", "o", "J"]));
        Assert.Contains(paths.Paths, p => p.Nodes.SequenceEqual(["w11", "h1", "h4", "o", "J"]));
        // ∂h1/∂w11 = x1 (the sum node and the identity activation fold into one factor).
        Assert.All(paths.Paths, p => Assert.Equal(net.X1.Data, p.Factors[0].Value, 15));
        var doc = HtmlAssert.Parse(paths.ToHtml());
        Assert.Contains("✓", doc.Body!.TextContent);
        Assert.Contains("∂h1/∂w11", doc.Body.TextContent);
    }

    [Fact]
    public void Backward_trace_starts_at_the_output_and_ends_with_the_leaf_gradients()
    {
        var net = Note001();
        BackwardTrace trace = net.J.BackwardTrace();
        Assert.Equal("J", trace.Steps[0].Node);
        Assert.Equal(1.0, trace.Steps[0].Incoming);
        foreach (Value w in net.Weights)
            Assert.Equal(w.Grad, trace.LeafGradients.Single(l => l.Name == w.Label).Grad, 15);
        // Each contribution is local × incoming.
        Assert.All(trace.Steps, s => Assert.All(s.Contributions, c => Assert.Equal(c.Local * s.Incoming, c.Contribution)));
        var doc = HtmlAssert.Parse(trace.ToHtml());
        Assert.True(doc.QuerySelectorAll("tbody tr").Length > 10);
    }

    [Fact]
    public void Non_finite_values_render_visibly()
    {
        var x = new Value(0, "x");
        Value y = x.Sqrt() * 2;
        y.Backward(); // ∂√x/∂x at 0 is +∞
        string html = y.Graph().ToHtml();
        HtmlAssert.Parse(html);
        Assert.Contains("+∞", html);
        Assert.Contains("#e040fb", html); // the non-finite colour
        Assert.Contains("+∞", y.GradientTable().ToHtml());
    }

    [Fact]
    public void SaveHtml_writes_a_complete_page()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bp-{Guid.NewGuid():N}", "graph.html");
        Note001().J.Graph().SaveHtml(path);
        string page = File.ReadAllText(path);
        Assert.StartsWith("<!DOCTYPE html>", page);
        var doc = HtmlAssert.Parse(page);
        Assert.Equal("Computation graph", doc.Title);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
        Directory.Delete(Path.GetDirectoryName(path)!, true);
    }
}
