using System.Globalization;
using Backprop.Interactive.Html;
using Backprop.Training;
using XPlot.Plotly;

namespace Backprop.Interactive.Charts;

/// <summary>
/// The loss going down: per-step training loss (raw and smoothed), per-epoch train and validation loss,
/// and a second chart of the metric (accuracy) — static SVG by default, <see cref="ToPlotly"/> for zoom.
/// </summary>
public sealed class LossPlot : HtmlView
{
    /// <summary>Steps beyond this are down-sampled (every k-th step) so the chart stays small.</summary>
    public const int MaxPoints = 1500;

    private readonly TrainingHistory _history;

    /// <summary>Creates the plot.</summary>
    /// <param name="history">What the trainer recorded.</param>
    /// <param name="logScale">Log scale for the loss axis.</param>
    /// <param name="smoothing">Exponential smoothing of the step loss, in [0, 1) (0: none).</param>
    public LossPlot(TrainingHistory history, bool logScale = false, double smoothing = 0.9)
    {
        _history = history ?? throw new ArgumentNullException(nameof(history));
        if (!(smoothing >= 0 && smoothing < 1)) throw new ArgumentException($"LossPlot: expected smoothing in [0, 1), got {smoothing}.", nameof(smoothing));
        LogScale = logScale;
        Smoothing = smoothing;
    }

    /// <summary>Log scale for the loss axis.</summary>
    public bool LogScale { get; }

    /// <summary>Exponential smoothing factor of the step loss.</summary>
    public double Smoothing { get; }

    /// <inheritdoc/>
    protected override string Title => "Training";

    /// <summary>The smoothed step losses (exponential moving average, bias-corrected; NaN passes through).</summary>
    public static double[] Smooth(IReadOnlyList<double> values, double factor)
    {
        var result = new double[values.Count];
        double avg = 0, weight = 0;
        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i])) { result[i] = values[i]; continue; }
            avg = factor * avg + (1 - factor) * values[i];
            weight = factor * weight + (1 - factor);
            result[i] = avg / weight;
        }
        return result;
    }

    private (double[] X, double[] Raw, double[] Smoothed) StepSeries()
    {
        var steps = _history.Steps;
        double[] smoothed = Smooth(steps.Select(s => s.Loss).ToArray(), Smoothing);
        int stride = Math.Max(1, (steps.Count + MaxPoints - 1) / MaxPoints);
        var idx = Enumerable.Range(0, steps.Count).Where(i => i % stride == 0 || i == steps.Count - 1).ToArray();
        return (idx.Select(i => (double)steps[i].Step).ToArray(), idx.Select(i => steps[i].Loss).ToArray(), idx.Select(i => smoothed[i]).ToArray());
    }

    /// <inheritdoc/>
    public override void WriteHtml(TextWriter writer)
    {
        var w = new HtmlWriter(writer);
        if (_history.Steps.Count == 0)
        {
            w.BeginView("bp-loss", "").Element("div", "bp-note", "No training steps recorded yet: nothing to plot.").End();
            return;
        }
        w.BeginView("bp-loss", "", ToText());
        var (x, raw, smooth) = StepSeries();
        var epochs = _history.Epochs;
        // An epoch's point sits at its last step.
        var epochEnd = epochs.Select(e => (double)_history.Steps.Where(s => s.Epoch == e.Epoch).Select(s => s.Step).DefaultIfEmpty(0).Max()).ToArray();
        var loss = new List<Series>
        {
            new("step loss", x, raw, "#93c5fd", 1, Opacity: 0.8),
            new("smoothed", x, smooth, "#1d4ed8", 2),
        };
        if (epochs.Count > 0) loss.Add(new Series("epoch train", epochEnd, epochs.Select(e => e.TrainLoss).ToArray(), "#0f766e", 1.5, Markers: true));
        if (epochs.Any(e => e.ValidationLoss is not null))
            loss.Add(new Series("validation", epochEnd, epochs.Select(e => e.ValidationLoss ?? double.NaN).ToArray(), "#ea580c", 1.5, Markers: true));
        new LineChart(loss, "step", "loss", LogScale).WriteSvg(w);
        bool hasMetric = _history.Steps.Any(s => double.IsFinite(s.Metric));
        if (hasMetric)
        {
            var metric = new List<Series> { new("step metric (smoothed)", x, StepMetricSmoothed(), "#7c3aed", 1.5) };
            if (epochs.Count > 0) metric.Add(new Series("epoch train", epochEnd, epochs.Select(e => e.TrainMetric).ToArray(), "#0f766e", 1.5, Markers: true));
            if (epochs.Any(e => e.ValidationMetric is not null))
                metric.Add(new Series("validation", epochEnd, epochs.Select(e => e.ValidationMetric ?? double.NaN).ToArray(), "#ea580c", 1.5, Markers: true));
            new LineChart(metric, "step", "accuracy", false, 640, 200).WriteSvg(w);
        }
        w.End();
    }

    private double[] StepMetricSmoothed()
    {
        var steps = _history.Steps;
        double[] s = Smooth(steps.Select(r => r.Metric).ToArray(), Smoothing);
        int stride = Math.Max(1, (steps.Count + MaxPoints - 1) / MaxPoints);
        return Enumerable.Range(0, steps.Count).Where(i => i % stride == 0 || i == steps.Count - 1).Select(i => s[i]).ToArray();
    }

    /// <summary>An interactive XPlot.Plotly chart of the same data (zoom and hover; needs JavaScript).</summary>
    public PlotlyChart ToPlotly()
    {
        var (x, raw, smooth) = StepSeries();
        var traces = new List<Trace>
        {
            new Scatter { x = x, y = raw, name = "step loss", mode = "lines", opacity = 0.5 },
            new Scatter { x = x, y = smooth, name = "smoothed", mode = "lines" },
        };
        var epochs = _history.Epochs;
        var epochEnd = epochs.Select(e => (double)_history.Steps.Where(s => s.Epoch == e.Epoch).Select(s => s.Step).DefaultIfEmpty(0).Max()).ToArray();
        if (epochs.Any(e => e.ValidationLoss is not null))
            traces.Add(new Scatter { x = epochEnd, y = epochs.Select(e => e.ValidationLoss ?? double.NaN).ToArray(), name = "validation", mode = "lines+markers" });
        var chart = Chart.Plot(traces);
        chart.WithLayout(new Layout.Layout
        {
            title = "Training loss",
            xaxis = new Xaxis { title = "step" },
            yaxis = new Yaxis { title = "loss", type = LogScale ? "log" : "linear" },
        });
        return chart;
    }

    /// <inheritdoc/>
    public override string ToText()
    {
        if (_history.Steps.Count == 0) return "No training steps recorded.";
        var last = _history.Steps[^1];
        string text = string.Create(CultureInfo.InvariantCulture,
            $"{_history.Steps.Count:N0} steps, {_history.Epochs.Count} epoch(s) in {_history.TotalTime.TotalSeconds:F1} s; " +
            $"loss {HtmlText.Number(_history.Steps[0].Loss)} → {HtmlText.Number(last.Loss)}");
        if (_history.Epochs.Count > 0 && _history.Epochs[^1] is { ValidationMetric: double vm }) text += $"; validation metric {HtmlText.Percent(vm, 2)}";
        return text;
    }
}
