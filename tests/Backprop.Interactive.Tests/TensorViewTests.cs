using Backprop.Explicit;
using Backprop.Interactive.Graphs;
using Backprop.Interactive.Html;
using Backprop.Interactive.Tables;

namespace Backprop.Interactive.Tests;

public class TensorViewTests
{
    [Fact]
    public void Note_004_tensor_graph_shows_shapes_ops_and_the_gradient_4_5()
    {
        var a = Tensor.Ones([2, 2], DType.Float64);
        a.RequiresGrad = true;
        a.Label = "a";
        Tensor d = 3 * (a + 2).Pow(2);
        Tensor loss = d.Mean();
        loss.Backward(retainAllGrads: true);
        GraphView view = loss.Graph();
        var doc = HtmlAssert.Parse(view.ToHtml());
        HtmlAssert.SvgsHaveSize(doc);
        string text = doc.Body!.TextContent;
        Assert.Contains("[2, 2]", text);
        Assert.Contains("grad max|g| 4.5", text); // ∂mean/∂a = 4.5 everywhere
        Assert.Contains("mean", text);
        Assert.Contains(view.Model.Edges, e => e.Label == "1/n");
        Assert.Equal(NodeKind.Parameter, view.Model.Nodes.Single(n => n.Title == "a").Kind);
        Assert.Equal(NodeKind.Output, view.Model.Nodes[^1].Kind);
    }

    [Fact]
    public void Tensor_graph_edges_show_each_ops_declared_derivative_and_names_match_the_errors()
    {
        var x = Tensor.FromArray(new double[] { 0.5, -1 });
        x.RequiresGrad = true;
        x.Label = "x";
        Tensor y = (x.Sin() * x.Cos() + x.Tanh()).Sum();
        GraphModel model = TensorGraph.Build(y);
        string[] labels = model.Edges.Select(e => e.Label).ToArray();
        foreach (string formula in new[] { "cos x", "−sin x", "1 − y²", "× b", "× a", "1" })
            Assert.Contains(formula, labels);
        Assert.Contains(model.Nodes, n => n.Title == "mul");
        string[] constants = TensorGraph.Build((3 * x.Pow(2)).Sum()).Edges.Select(e => e.Label).ToArray();
        Assert.Contains("2x", constants);  // pow's formula, written with its exponent when the graph asks
        Assert.Contains("3", constants);   // mul by a constant
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.Zeros(2) * Tensor.Zeros(3));
        Assert.Equal("mul", e.Op);
    }

    [Fact]
    public void Tensor_view_shows_values_grad_and_statistics()
    {
        var t = Tensor.FromArray(new double[,] { { 1, -2 }, { 3, double.NaN } });
        t.Label = "<x>";
        var doc = HtmlAssert.Parse(t.View().ToHtml());
        string text = doc.Body!.TextContent;
        Assert.Contains("<x> [2, 2] float64", text);
        Assert.Contains("NaN×1", text);
        Assert.Contains("#e040fb", t.View().ToHtml()); // NaN is coloured, visibly
        Assert.Equal(4, doc.QuerySelectorAll(".bp-grid td").Length);
        var w = Tensor.Randn([3, 2], 1, DType.Float64);
        w.RequiresGrad = true;
        w.Sum().Backward();
        var withGrad = HtmlAssert.Parse(w.View().ToHtml());
        Assert.Equal(2, withGrad.QuerySelectorAll("table.bp-grid").Length); // values and grad side by side
        Assert.Contains("requires grad", w.View().ToString());
    }

    [Fact]
    public void Large_tensors_are_elided_and_stay_small()
    {
        var big = Tensor.Randn([500, 400], 3);
        string html = big.View().ToHtml();
        HtmlAssert.Parse(html);
        Assert.True(html.Length < 60_000, $"{html.Length} characters");
        Assert.Contains("⋮", html);
        Assert.Contains("…", html);
        var cube = Tensor.Randn([10, 3, 4], 3);
        Assert.Contains("[9, :, :]", cube.View().ToHtml());
    }

    [Fact]
    public void Zero_size_tensors_get_a_placeholder()
    {
        var empty = Tensor.Zeros(0, 3);
        string html = empty.View().ToHtml();
        HtmlAssert.Parse(html);
        Assert.Contains("Empty tensor", html);
        Assert.Contains("empty", empty.View().ToString());
    }

    [Fact]
    public void Layer_delta_table_reproduces_note_002_deltas()
    {
        // One sigmoid output layer whose activations are a = (0.3, 0.5, 0.2): z = logit(a), zero weights.
        double[] a = [0.3, 0.5, 0.2];
        var bias = a.Select(p => Math.Log(p / (1 - p))).ToArray();
        var net = new DenseNetwork(LossFunction.Mse, new DenseLayer(new double[3, 1], bias, Activation.Sigmoid));
        BackpropResult result = net.Backpropagate([1.0], [0.0, 1.0, 0.0]);
        double[] expected = [0.3 * 0.3 * 0.7, (0.5 - 1) * 0.5 * 0.5, 0.2 * 0.2 * 0.8];
        for (int j = 0; j < 3; j++) Assert.Equal(expected[j], result.Layers[0].Delta[j], 12);
        var doc = HtmlAssert.Parse(result.DeltaTable().ToHtml());
        string text = doc.Body!.TextContent;
        foreach (double d in expected) Assert.Contains(HtmlText.Number(d, 6), text);
        Assert.Contains("δ = ∂L/∂z", text);
    }
}
