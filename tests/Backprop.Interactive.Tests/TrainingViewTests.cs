using Backprop.Data;
using Backprop.Interactive.Charts;
using Backprop.Interactive.Tables;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Training;

namespace Backprop.Interactive.Tests;

public class TrainingViewTests
{
    private static (Sequential Model, TrainingHistory History, ClassificationData Data, List<TrainingProgress> Reports) TrainMoons(int epochs = 3)
    {
        var data = Datasets.TwoMoons(200, 0.1, seed: 4);
        var set = TensorDataset.FromClassification(data);
        var (train, validation) = set.Split(0.25, seed: 1);
        Sequential model = MLP.Create(2, [16, 16], 2, Activation.Tanh, seed: 3);
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), 0.02)) { BatchSize = 20, Seed = 2 };
        var reports = new List<TrainingProgress>();
        TrainingHistory history = trainer.Fit(train, epochs, validation, reports.Add);
        return (model, history, data, reports);
    }

    [Fact]
    public void Loss_plot_is_static_svg_with_the_losses_and_accuracy()
    {
        var (_, history, _, _) = TrainMoons();
        LossPlot plot = history.Plot();
        var doc = HtmlAssert.Parse(plot.ToHtml());
        HtmlAssert.SvgsHaveSize(doc);
        Assert.Equal(2, doc.QuerySelectorAll("svg").Length); // loss and accuracy
        Assert.Contains("validation", doc.Body!.TextContent);
        Assert.Contains($"{history.Steps.Count:N0} steps", plot.ToString());
        Assert.NotEmpty(doc.QuerySelectorAll("path"));
        Assert.Contains("log scale", history.Plot(logScale: true).ToHtml());
        string plotly = plot.ToPlotly().GetHtml();
        Assert.Contains("smoothed", plotly);
    }

    [Fact]
    public void Smoothing_is_a_bias_corrected_moving_average()
    {
        double[] s = LossPlot.Smooth([4, 2, double.NaN, 2], 0.5);
        Assert.Equal(4, s[0]);
        Assert.Equal((0.25 * 4 + 0.5 * 2) / 0.75, s[1], 12);
        Assert.True(double.IsNaN(s[2]));
    }

    [Fact]
    public void Non_finite_losses_and_empty_histories_render_visibly()
    {
        var history = new TrainingHistory();
        string empty = history.Plot().ToHtml();
        HtmlAssert.Parse(empty);
        Assert.Contains("No training steps", empty);
        // A run whose loss became ∞ then NaN: the line breaks and the points are marked.
        history.Add(new StepRecord(1, 1, 2.0, 0.5, 0.1, 8));
        history.Add(new StepRecord(2, 1, double.PositiveInfinity, 0.5, 0.1, 8));
        history.Add(new StepRecord(3, 1, double.NaN, 0.5, 0.1, 8));
        Assert.Throws<ArgumentException>(() => history.Add(new StepRecord(5, 1, 1.0, 0.5, 0.1, 8)));
        string html = history.Plot(smoothing: 0).ToHtml();
        HtmlAssert.Parse(html);
        Assert.Contains("non-finite value(s) marked ×", html);
    }

    [Fact]
    public void Decision_boundary_draws_regions_and_points()
    {
        var (model, _, data, _) = TrainMoons(epochs: 40);
        DecisionBoundary view = model.DecisionBoundary(data, resolution: 50);
        Assert.True(view.Accuracy > 0.95, $"accuracy {view.Accuracy}");
        string html = view.ToHtml();
        var doc = HtmlAssert.Parse(html);
        HtmlAssert.SvgsHaveSize(doc);
        Assert.Equal(data.Count, doc.QuerySelectorAll("circle").Length);
        Assert.True(html.Length < 250_000, $"{html.Length} characters");
        Assert.True(model.IsTraining); // the evaluation restored the mode
        var scalar = new Backprop.Scalar.ValueMLP(2, [8], 1, seed: 1);
        Assert.Equal(data.Count, HtmlAssert.Parse(scalar.DecisionBoundary(data, 20).ToHtml()).QuerySelectorAll("circle").Length);
    }

    [Fact]
    public void Module_view_lists_layers_and_parameter_counts()
    {
        Sequential model = MLP.Create(784, [256, 128], 10, seed: 1);
        ModuleView view = model.Summary();
        Assert.Equal(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10, view.TotalParameters);
        var doc = HtmlAssert.Parse(view.ToHtml());
        string text = doc.Body!.TextContent;
        Assert.Contains("784 → 256", text);
        Assert.Contains("ReLU", text);
        Assert.Contains("235,146", text);
        Assert.Contains("total", view.ToString());
    }

    [Fact]
    public void Live_training_prints_lines_in_a_console_and_updates_in_place_in_a_host()
    {
        var (_, _, _, reports) = TrainMoons(epochs: 2);
        var console = new StringWriter();
        LiveTraining live = LiveTraining.Show(console: console);
        Assert.False(live.IsNotebook);
        foreach (TrainingProgress p in reports) live.Report(p);
        string[] lines = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 2, 30); // a few lines, not one per step
        Assert.Contains("epoch 2/2", lines[^1]);

        var shown = new List<string>();
        NotebookDisplay.Host = value => { shown.Add(((LiveTraining)value).ToHtml()); return v => shown.Add(((LiveTraining)v).ToHtml()); };
        try
        {
            LiveTraining inNotebook = LiveTraining.Show(TimeSpan.FromHours(1));
            Assert.True(inNotebook.IsNotebook);
            foreach (TrainingProgress p in reports) inNotebook.Report(p);
            // Displayed once, then updated only at epoch ends (the interval is an hour).
            Assert.InRange(shown.Count, 2, 4);
            var doc = HtmlAssert.Parse(shown[^1]);
            HtmlAssert.SvgsHaveSize(doc);
            Assert.Contains("epoch 2/2", doc.Body!.TextContent);
        }
        finally
        {
            NotebookDisplay.Host = null;
        }
    }

    [Fact]
    public void Elapsed_time_and_ETA_over_a_day_show_every_hour()
    {
        var live = LiveTraining.Show(console: new StringWriter());
        live.Report(new TrainingProgress
        {
            Epoch = 1, Epochs = 2, Step = 1, TotalSteps = 10, StepInEpoch = 1, StepsPerEpoch = 5, Loss = 1, Metric = double.NaN, LearningRate = 0.1,
            SamplesPerSecond = 1, Elapsed = TimeSpan.FromHours(26.5), Eta = TimeSpan.FromHours(25),
        });
        Assert.Contains("ETA 25:00:00", live.ToText());
        Assert.Contains("elapsed 26:30:00", live.ToHtml());
    }
}
