using System.Globalization;
using System.Diagnostics;
using System.Reflection;
using Backprop.Interactive.Html;
using Backprop.Training;

namespace Backprop.Interactive.Charts;

/// <summary>
/// Live training progress: one notebook output that updates in place during <see cref="Trainer.Fit"/>
/// (epoch, step, loss, metric, throughput, ETA and a loss sparkline), or plain progress lines in a
/// console. Pass <see cref="Callback"/> (or <c>LiveTraining.Show()</c>) as the trainer's progress callback.
/// </summary>
/// <remarks>In a .NET Interactive kernel the output is created with the kernel's <c>display</c> and
/// updated with <c>DisplayedValue.Update</c>, found by reflection (this package does not depend on the
/// kernel). Updates are throttled so that a fast loop does not flood the notebook.</remarks>
public sealed class LiveTraining : HtmlView
{
    private const int SparklinePoints = 200;
    private static int s_displays;
    private readonly int _display = Interlocked.Increment(ref s_displays);
    private readonly List<double> _losses = [];
    private readonly Stopwatch _sinceUpdate = Stopwatch.StartNew();
    private Action<object>? _update;
    private readonly bool _finalOnly;
    private readonly TextWriter? _console;
    private TrainingProgress? _last;
    private int _lastPrintedPercent = -1;

    private LiveTraining(TimeSpan minInterval, TextWriter? console)
    {
        MinInterval = minInterval;
        // Where the host drops in-place updates (see NotebookDisplay.DropsUpdates), show one output, at the end.
        _finalOnly = NotebookDisplay.IsAvailable && NotebookDisplay.DropsUpdates;
        if (!_finalOnly) _update = NotebookDisplay.TryCreate(this);
        _console = _update is null && !_finalOnly ? console ?? Console.Out : null;
    }

    /// <summary>Starts a live view: in a notebook it displays now and updates in place; elsewhere it prints lines.</summary>
    /// <param name="minInterval">The least time between two updates (default 0.25 s; the final one always shows).</param>
    /// <param name="console">Where progress lines go outside a notebook (default: standard output).</param>
    public static LiveTraining Show(TimeSpan? minInterval = null, TextWriter? console = null) =>
        new(minInterval ?? TimeSpan.FromMilliseconds(250), console);

    /// <summary>The least time between two updates.</summary>
    public TimeSpan MinInterval { get; }

    /// <summary>True when the view updates a notebook output (false: console lines).</summary>
    public bool IsNotebook => _update is not null || _finalOnly;

    /// <summary>The latest progress report.</summary>
    public TrainingProgress? Last => _last;

    /// <summary>The callback to pass to <see cref="Trainer.Fit"/>.</summary>
    public Action<TrainingProgress> Callback => Report;

    /// <summary>Implicit use as a trainer callback: <c>trainer.Fit(data, 5, progress: LiveTraining.Show())</c>.</summary>
    public static implicit operator Action<TrainingProgress>(LiveTraining live) => live.Report;

    /// <summary>Records one progress report and refreshes the output when due.</summary>
    public void Report(TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        _last = progress;
        if (progress.EpochSummary is null)
        {
            _losses.Add(progress.Loss);
            if (_losses.Count > 4 * SparklinePoints) Downsample();
        }
        bool final = progress.Step >= progress.TotalSteps && progress.EpochSummary is not null && progress.Epoch >= progress.Epochs;
        bool epochEnd = progress.EpochSummary is not null;
        if (_finalOnly)
        {
            if (final) _update ??= NotebookDisplay.TryCreate(this);
            return;
        }
        if (_update is not null)
        {
            if (final || epochEnd || _sinceUpdate.Elapsed >= MinInterval)
            {
                _update(this);
                _sinceUpdate.Restart();
            }
            return;
        }
        int percent = progress.TotalSteps == 0 ? 100 : (int)(100L * progress.Step / progress.TotalSteps);
        if (epochEnd || percent / 10 > _lastPrintedPercent / 10)
        {
            _console!.WriteLine(ToText());
            _lastPrintedPercent = percent;
        }
    }

    private void Downsample()
    {
        for (int i = 0; i < _losses.Count / 2; i++) _losses[i] = (_losses[2 * i] + _losses[Math.Min(2 * i + 1, _losses.Count - 1)]) / 2;
        _losses.RemoveRange(_losses.Count / 2, _losses.Count - _losses.Count / 2);
    }

    /// <inheritdoc/>
    protected override string Title => "Training progress";

    /// <inheritdoc/>
    public override void WriteHtml(TextWriter writer)
    {
        // data-bp-live tells the states of one live display apart from another display: a host that keeps every
        // update as its own output (dotnet-repl) can be reduced to the final state (tools/Backprop.Notebooks does).
        var w = new HtmlWriter(writer).Start("div", "bp-view bp-live").Attr("data-bp-live", _display).Style(Css);
        if (_last is null)
        {
            w.Element("span", "Waiting for the first training step…").End();
            return;
        }
        TrainingProgress p = _last;
        double fraction = p.TotalSteps == 0 ? 1 : Math.Clamp((double)p.Step / p.TotalSteps, 0, 1);
        w.Start("div").Start("div", "bp-bar").Start("div", "bp-fill").BeginAttr("style").AttrText("width:").Coordinate(fraction * 100).AttrText("%").EndAttr().End().End()
         .Start("div", "bp-stat").Text("epoch ").Text(p.Epoch).Text('/').Text(p.Epochs).Text(" · step ").Count(p.Step).Text('/').Count(p.TotalSteps).End().End();
        w.Start("div", "bp-stat").Text("loss ").Element("b", HtmlText.Number(p.Loss));
        if (double.IsFinite(p.Metric)) w.Text(" · metric ").Text(HtmlText.Percent(p.Metric));
        if (p.EpochSummary is { ValidationMetric: double vm }) w.Text(" · validation ").Text(HtmlText.Percent(vm));
        w.Start("br").End().Text(HtmlText.Count(p.SamplesPerSecond)).Text(" samples/s · elapsed ").Text(Format(p.Elapsed)).Text(" · ETA ").Text(Format(p.Eta)).End();
        LineChart.WriteSparkline(w, _losses);
        w.End();
    }

    private const string Css =
        ".bp-live{display:flex;gap:16px;align-items:center;border:1px solid #e2e8f0;border-radius:6px;padding:6px 10px;max-width:760px}" +
        ".bp-live .bp-bar{width:180px;height:8px;background:#e2e8f0;border-radius:4px;overflow:hidden}.bp-live .bp-fill{height:100%;background:#2563eb}" +
        ".bp-live .bp-stat{font-variant-numeric:tabular-nums;color:#1e293b}";

    private static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? ((int)t.TotalHours).ToString(CultureInfo.InvariantCulture) + t.ToString(@"\:mm\:ss") : t.ToString(@"m\:ss");

    /// <inheritdoc/>
    public override string ToText()
    {
        if (_last is null) return "training: waiting for the first step";
        TrainingProgress p = _last;
        return string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{p.Epochs} step {p.Step}/{p.TotalSteps} loss {HtmlText.Number(p.Loss)}") +
               (double.IsFinite(p.Metric) ? $" metric {HtmlText.Percent(p.Metric)}" : "") +
               (p.EpochSummary is { ValidationMetric: double vm } ? $" validation {HtmlText.Percent(vm)}" : "") +
               $" {HtmlText.Count(p.SamplesPerSecond)} samples/s ETA {Format(p.Eta)}";
    }
}

/// <summary>
/// Finds the notebook kernel's display API by reflection. Referencing Microsoft.DotNet.Interactive instead works in
/// the pinned kernels (tried: its 1.0.0-beta.26120.1 package binds to the kernel's own assembly in dotnet-repl), but it
/// would make every user of this package, notebook or not, restore Roslyn, System.Reactive and the kernel for the
/// two calls used here (<c>Kernel.display</c> and <c>DisplayedValue.Update</c>).
/// </summary>
public static class NotebookDisplay
{
    /// <summary>Hosts (such as a test) can install their own display function: value → update action.</summary>
    public static Func<object, Action<object>>? Host { get; set; }

    /// <summary>True when a notebook kernel is there to display into.</summary>
    public static bool IsAvailable => Host is not null || KernelType() is not null;

    /// <summary>
    /// True in the kernel of Microsoft.dotnet-interactive serving Jupyter (its command line has <c>jupyter</c>): as
    /// measured with 1.0.712001 and Jupyter's nbclient, it sends each update of a display with a display id other
    /// than the display's own, so Jupyter ignores every update. A live view there shows its final state only.
    /// </summary>
    public static bool DropsUpdates => Host is null && Array.IndexOf(Environment.GetCommandLineArgs(), "jupyter") >= 0;

    private static Type? KernelType() => AppDomain.CurrentDomain.GetAssemblies()
        .FirstOrDefault(a => a.GetName().Name == "Microsoft.DotNet.Interactive")
        ?.GetType("Microsoft.DotNet.Interactive.Kernel");

    /// <summary>Displays <paramref name="value"/> and returns a function that replaces it in place, or null outside a notebook.</summary>
    public static Action<object>? TryCreate(object value)
    {
        if (Host is { } host) return host(value);
        Type? kernel = KernelType();
        MethodInfo? display = kernel?.GetMethod("display", BindingFlags.Public | BindingFlags.Static, [typeof(object), typeof(string[])]);
        if (display is null) return null;
        try
        {
            object? displayed = display.Invoke(null, [value, new[] { "text/html" }]);
            MethodInfo? update = displayed?.GetType().GetMethod("Update", [typeof(object)]);
            if (displayed is null || update is null) return null;
            return v => update.Invoke(displayed, [v]);
        }
        catch (TargetInvocationException)
        {
            return null; // no current kernel context (e.g. called from a background thread)
        }
    }
}
