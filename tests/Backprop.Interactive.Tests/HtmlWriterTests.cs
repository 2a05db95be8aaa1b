using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.Data;
using Backprop.Explicit;
using Backprop.Interactive.Charts;
using Backprop.Interactive.Html;
using Backprop.Interactive.Tables;
using Backprop.NN;
using Backprop.Training;

namespace Backprop.Interactive.Tests;

public class HtmlWriterTests
{
    private static string Write(Action<HtmlWriter> write)
    {
        var text = new StringWriter();
        write(new HtmlWriter(text));
        return text.ToString();
    }

    [Fact]
    public void Attributes_and_text_are_escaped_and_only_raw_fragments_are_not()
    {
        string html = Write(w => w.Start("div").Attr("title", "a\"b'<c>&").Text("<script>x & y</script>").Raw("<b>trusted</b>").End());
        Assert.Equal("<div title=\"a&quot;b&#39;&lt;c&gt;&amp;\">&lt;script&gt;x &amp; y&lt;/script&gt;<b>trusted</b></div>", html);
        Assert.Equal("∂h₁/∂w · ×é", HtmlText.Escape("∂h₁/∂w · ×é")); // UTF-8 pages: only the five special characters change
    }

    [Fact]
    public void Empty_svg_elements_close_themselves_and_empty_html_elements_get_an_end_tag()
    {
        string html = Write(w => w.Start("td").End().Start("br").End().BeginSvg(10, 20).Start("rect").Attr("x", 1.25).End().End());
        Assert.Equal("<td></td><br><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"20\" viewBox=\"0 0 10 20\"><rect x=\"1.2\"/></svg>", html);
    }

    [Fact]
    public void Misplaced_calls_say_what_was_expected()
    {
        var w = new HtmlWriter(new StringWriter());
        Assert.Contains("no element is open", Assert.Throws<InvalidOperationException>(() => w.End()).Message);
        w.Start("p").Text("x");
        Assert.Contains("'id' written outside a start tag", Assert.Throws<InvalidOperationException>(() => w.Attr("id", "a")).Message);
        Assert.Equal(1, w.Depth);
        Assert.Equal(0, w.End().Depth);
    }

    [Fact]
    public void Numbers_are_written_in_the_invariant_culture()
    {
        static string Numbers() => Write(w => w.Start("svg").Attr("x", 1234.56).Attr("n", 1234567L).BeginAttr("d").PathTo('M', -0.25, 1e6).EndAttr().End()
            .Number(0.000123, "0.0e+0").Text(' ').Number(1234.5678).Text(' ').Count(1234567).Text(' ').Number(0.875, "P1"));
        const string expected = "<svg x=\"1234.6\" n=\"1234567\" d=\"M-0.2,1000000\"/>1.2e-4 1235 1,234,567 87.5 %";
        Assert.Equal(expected, Numbers());
        Assert.Equal(expected, InCulture("de-DE", Numbers));
    }

    /// <summary>One of each view, with numbers in every place a view writes them (tables, captions, notes, charts).</summary>
    private static IEnumerable<(string Name, HtmlView View)> EveryView()
    {
        var x = new Value(0.5, "x");
        var w = new Value(-1.25e-7, "w") { IsParameter = true };
        Value y = (x * w + 1234.5).Tanh() * 0.5;
        y.Label = "y";
        y.Backward();
        GradCheckResult check = GradCheck.Check([w], () => (x * w + 1234.5).Tanh() * 0.5);
        yield return ("graph", y.Graph());
        yield return ("gradients", y.GradientTable(learningRate: 0.01, check: check));
        yield return ("gradcheck", new GradCheckTable(check));
        yield return ("trace", y.BackwardTrace());
        yield return ("paths", y.ChainRule(w));
        var t = Tensor.FromArray([1.5, -2.25, 3e-5, 12345.5], [2, 2], DType.Float64);
        t.RequiresGrad = true;
        Tensor loss = (t * t).Sum();
        loss.Backward(retainAllGrads: true);
        yield return ("tensor graph", loss.Graph());
        yield return ("tensor", t.View());
        Sequential model = MLP.Create(2, [40, 40], 2, Activation.Tanh, seed: 3);
        yield return ("module", model.Summary());
        var net = new DenseNetwork(LossFunction.Mse, new DenseLayer(new double[3, 1], [0.25, -0.5, 1.5], Activation.Sigmoid));
        yield return ("deltas", net.Backpropagate([1.0], [0.0, 1.0, 0.0]).DeltaTable());
        var data = Datasets.TwoMoons(60, 0.1, seed: 4);
        var set = TensorDataset.FromClassification(data);
        var (train, validation) = set.Split(0.25, seed: 1);
        var reports = new List<TrainingProgress>();
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Backprop.Optim.Adam(model.Parameters(), 0.02)) { BatchSize = 20, Seed = 2 };
        TrainingHistory history = trainer.Fit(train, 2, validation, reports.Add);
        yield return ("loss plot", history.Plot(logScale: true));
        yield return ("boundary", model.DecisionBoundary(data, resolution: 10));
        yield return ("chart", new LineChart([new Series("a", [0.5, 1.5, 2.5], [1234.5, double.NaN, 0.001], "#2563eb", Markers: true)], "x", "y", caption: "A 1.5 chart"));
        NotebookDisplay.Host = _ => _ => { };
        try
        {
            LiveTraining live = LiveTraining.Show();
            foreach (TrainingProgress report in reports) live.Report(report with { SamplesPerSecond = 12345.678 });
            yield return ("live", live);
        }
        finally { NotebookDisplay.Host = null; }
    }

    [Fact]
    public void Every_view_renders_the_same_under_a_culture_with_a_decimal_comma()
    {
        foreach (var (name, view) in EveryView())
        {
            string invariant = view.ToHtml(), german = InCulture("de-DE", view.ToHtml);
            Assert.True(invariant == german, $"{name}: its HTML depends on the current culture");
            Assert.DoesNotMatch(new Regex(@"\d,\d+e[-+]?\d"), german); // no "1,2e-4"
        }
    }

    [Fact]
    public void Every_view_is_one_frame_with_the_shared_css_once()
    {
        foreach (var (name, view) in EveryView())
        {
            string html = view.ToHtml();
            HtmlAssert.Parse(html);
            Assert.True(html.StartsWith("<div class=\"bp-view ", StringComparison.Ordinal), name);
            Assert.True(Regex.Count(html, "<style>") == 1, $"{name}: expected one style block");
            Assert.True(Regex.Count(html, @"\.bp-note\{") == 1, $"{name}: expected the shared rules once");
            Assert.True(Regex.Count(html, @"\.bp-view\{") == 1, $"{name}: expected the shared rules once");
        }
    }

    [Fact]
    public void A_line_chart_is_a_view_with_its_caption_and_one_svg()
    {
        var chart = new LineChart([new Series("loss <1>", [0, 1, 2], [3, 2, 1], "#2563eb")], "step", "loss", caption: "Loss & steps");
        var doc = HtmlAssert.Parse(chart.ToHtml());
        HtmlAssert.SvgsHaveSize(doc);
        Assert.Single(doc.QuerySelectorAll("div.bp-view.bp-chart > svg"));
        Assert.Equal("Loss & steps", doc.QuerySelector(".bp-caption")!.TextContent);
        Assert.Same(chart, Formatting.Views.For(chart));
        Assert.Equal("Loss & steps: loss against step, 1 line(s) (loss <1>)", chart.ToText());
        Assert.Equal(chart.ToSvg(), LineChart.Svg([new Series("loss <1>", [0, 1, 2], [3, 2, 1], "#2563eb")], "step", "loss"));
        Assert.Throws<ArgumentException>(() => new LineChart([], "x", "y", width: 10));
    }

    private static T InCulture<T>(string name, Func<T> render)
    {
        CultureInfo culture = CultureInfo.CurrentCulture, ui = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
            return render();
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = ui;
        }
    }
}
