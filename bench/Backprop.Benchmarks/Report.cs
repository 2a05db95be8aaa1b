using System.Globalization;
using System.Text;

namespace Backprop.Benchmarks;

/// <summary>The figures of one run as Markdown tables (--markdown FILE): written between the
/// <c>&lt;!-- bench:begin --&gt;</c> and <c>&lt;!-- bench:end --&gt;</c> markers of FILE when it has them
/// (docs/performance.md does), else as the whole file.</summary>
public static class Report
{
    public const string Begin = "<!-- bench:begin (written by `dotnet run -c Release --project bench/Backprop.Benchmarks -- --markdown docs/performance.md`) -->";
    public const string End = "<!-- bench:end -->";

    /// <summary>Issue 14's targets (our time / PyTorch's).</summary>
    public static readonly Dictionary<string, double> Targets = new()
    {
        ["gemm1024"] = 0.62, ["mlp64"] = 0.5, ["mlp256"] = 0.6, ["tiny"] = 0.06, ["chain2x2"] = 0.03,
    };

    /// <summary>Issue 14's scalar demo step target, seconds.</summary>
    public const double ScalarTarget = 2e-3;

    /// <summary>Issue 14's targets for the skinny GEMM shapes and the elementwise workloads it names.</summary>
    public static readonly Dictionary<string, double> ExtraTargets = new()
    {
        ["gemm-nt-256x10x128"] = 0.8, ["gemm-nn-256x128x10"] = 0.8,
        ["relu-4000x1000"] = 0.8, ["softmax-4000x1000"] = 0.8, ["softmax-16x1000"] = 0.8, ["exp-16x1000"] = 0.8,
        ["add-4000x1000"] = 0.8, ["mul-4000x1000"] = 0.8, ["relu-16x1000"] = 0.8,
    };

    /// <summary>"≤ 0.8 (met)" for a workload with a target, else empty.</summary>
    private static string ExtraTarget(string name, double ratio) =>
        ExtraTargets.TryGetValue(name, out double t)
            ? $"≤ {t.ToString(CultureInfo.InvariantCulture)}{(double.IsNaN(ratio) ? "" : ratio <= t ? " (met)" : " (not met)")}"
            : "";

    public sealed record Run(
        string Header,
        IReadOnlyList<Workload> Workloads, IReadOnlyDictionary<string, double> Ours, double ScalarSeconds,
        IReadOnlyList<Workload> Extras, IReadOnlyDictionary<string, Measurement> OursExtra,
        IReadOnlyDictionary<string, TorchTwin.Result> Torch, IReadOnlyDictionary<string, double> Bytes,
        IReadOnlyList<(GraphRender View, Measurement Time)> Graphs, IReadOnlyList<NotebookTimes.Result> Notebooks,
        IReadOnlyList<string> SummaryLines);

    public static string Markdown(Run r)
    {
        var sb = new StringBuilder();
        void Line(string s = "") => sb.Append(s).Append('\n');
        Line(r.Header);
        Line();
        if (r.Ours.Count > 0)
        {
            Line("| workload | ours | PyTorch | ratio (ours / PyTorch) | target | PyTorch's best setting | ours: allocated per step |");
            Line("|---|---|---|---|---|---|---|");
            foreach (var w in r.Workloads)
            {
                bool has = r.Torch.TryGetValue(w.Name, out var t);
                double ratio = has ? r.Ours[w.Name] / t!.Seconds : double.NaN;
                string met = has ? (ratio <= Targets[w.Name] ? " (met)" : " (not met)") : "";
                Line($"| {w.Name} | {TorchTwin.Format(r.Ours[w.Name]).Trim()} | {(has ? TorchTwin.Format(t!.Seconds).Trim() : "n/a")} | " +
                     $"{F(ratio, "F3")} | ≤ {Targets[w.Name].ToString(CultureInfo.InvariantCulture)}{met} | {(has ? t!.Threads : "")} | {Bytes(r, w.Name)} |");
            }
            Line($"| scalar-demo-step | {TorchTwin.Format(r.ScalarSeconds).Trim()} | (micrograd ~1.3 s in the issue) | | ≤ 2 ms{(r.ScalarSeconds <= ScalarTarget ? " (met)" : " (not met)")} | | {Bytes(r, "scalar-demo-step")} |");
            Line();
        }
        var gemms = r.Extras.OfType<GemmShape>().ToList();
        if (gemms.Count > 0)
        {
            Line("GEMM, fp32, C = op(A)·op(B) (`n`: operand as stored, `t`: transposed), m×n×k:");
            Line();
            Line("| shape | where it comes from | ours GFLOP/s | PyTorch GFLOP/s | ratio (time) | target | ours | PyTorch | PyTorch's best setting |");
            Line("|---|---|---|---|---|---|---|---|---|");
            foreach (var w in gemms)
            {
                double mine = r.OursExtra[w.Name].Seconds;
                bool has = r.Torch.TryGetValue(w.Name, out var t);
                double ratio = has ? mine / t!.Seconds : double.NaN;
                Line($"| {w.Name} | {w.What} | {F(w.Flops * 1e-9 / mine, "F1")} | {(has ? F(w.Flops * 1e-9 / t!.Seconds, "F1") : "n/a")} | " +
                     $"{(has ? F(ratio, "F2") : "n/a")} | {ExtraTarget(w.Name, ratio)} | {TorchTwin.Format(mine).Trim()} | {(has ? TorchTwin.Format(t!.Seconds).Trim() : "n/a")} | {(has ? t!.Threads : "")} |");
            }
            Line();
        }
        var elementwise = r.Extras.OfType<Elementwise>().ToList();
        if (elementwise.Count > 0)
        {
            Line("Elementwise and row softmax, fp32, no autograd; GB/s counts each input element read once and each output");
            Line("element written once (12 bytes per element for add and mul, 8 for the others). [16×1000] is cache-resident,");
            Line("[4000×1000] (16 MB per operand) is as large as a last-level cache or larger. Add, mul, tanh and exp write");
            Line("into a preallocated tensor on both sides (ours: the destination overloads; PyTorch: `out=`); relu and softmax");
            Line("allocate their result on both sides (ours in a `Tensor.Scope()`, whose pool serves the next call).");
            Line();
            Line("| op | ours GB/s | PyTorch GB/s | ratio (time) | target | ours | PyTorch | PyTorch's best setting | ours: allocated per call |");
            Line("|---|---|---|---|---|---|---|---|---|");
            foreach (var w in elementwise)
            {
                double mine = r.OursExtra[w.Name].Seconds;
                bool has = r.Torch.TryGetValue(w.Name, out var t);
                double ratio = has ? mine / t!.Seconds : double.NaN;
                Line($"| {w.Name} | {F(w.Bytes * 1e-9 / mine, "F1")} | {(has ? F(w.Bytes * 1e-9 / t!.Seconds, "F1") : "n/a")} | " +
                     $"{(has ? F(ratio, "F2") : "n/a")} | {ExtraTarget(w.Name, ratio)} | {TorchTwin.Format(mine).Trim()} | {(has ? TorchTwin.Format(t!.Seconds).Trim() : "n/a")} | {(has ? t!.Threads : "")} | {r.OursExtra[w.Name].BytesPerStep:N0} B |");
            }
            Line();
        }
        if (r.Graphs.Count > 0)
        {
            Line("Graph view (Backprop.Interactive, ours only): `loss.Graph(options).ToHtml()`, i.e. graph model, layered");
            Line("layout and HTML/SVG, for the loss of the scalar 2-16-16-1 MLP over a few two-moons samples.");
            Line();
            Line("| view | nodes drawn | HTML | ours | allocated per call |");
            Line("|---|---|---|---|---|");
            foreach (var (view, m) in r.Graphs)
                Line($"| {(view.Name == "graph-full" ? "full (`GraphOptions.Full`)" : "default (collapsed)")} | {view.Drawn:N0} of {view.Nodes:N0} | {view.HtmlChars / 1e6:F2} M chars | {m.Seconds * 1e3:F1} ms | {m.BytesPerStep / 1e6:F1} MB |");
            Line();
        }
        if (r.Notebooks.Count > 0)
        {
            Line("Whole-notebook runs (ours only): `tools/Backprop.Notebooks run <notebook>`, one process per notebook, wall time");
            Line("from start to exit (runner start-up, package restore from a warm private cache, compiling and running every cell),");
            Line("and the runner's own figure for the notebook's session (restore, compiling and running the cells).");
            Line();
            Line("| notebook | wall | session |");
            Line("|---|---|---|");
            foreach (var n in r.Notebooks)
                Line($"| {n.Name} | {n.WallSeconds:F1} s{(n.Ok ? "" : " (FAILED)")} | {(n.CellSeconds is double c ? $"{c:F1} s" : "n/a")} |");
            Line($"| total | {r.Notebooks.Sum(n => n.WallSeconds):F1} s | |");
            Line();
        }
        Line("The driver's summary, as printed:");
        Line();
        Line("```");
        foreach (string s in r.SummaryLines) Line(s);
        Line("```");
        return sb.ToString();
    }

    /// <summary>Writes <paramref name="markdown"/> between the markers of <paramref name="path"/> (<c>bench:begin</c>/<c>bench:end</c>,
    /// or <c>bench:SECTION:begin</c>/<c>bench:SECTION:end</c> for a named <paramref name="section"/>), else appends it (or writes
    /// the whole file); through a temporary file and a rename, so an interrupted run never leaves the file half-written.</summary>
    public static void Write(string path, string markdown, string? section = null)
    {
        string begin = section is null ? Begin : $"<!-- bench:{section}:begin (written by `dotnet run -c Release --project bench/Backprop.Benchmarks -- --sections {section} --markdown docs/performance.md`) -->";
        string end = section is null ? End : $"<!-- bench:{section}:end -->";
        string beginPrefix = section is null ? "<!-- bench:begin" : $"<!-- bench:{section}:begin";
        string block = begin + "\n" + markdown + end;
        string content = block + "\n";
        if (File.Exists(path))
        {
            string text = File.ReadAllText(path);
            int b = text.IndexOf(beginPrefix, StringComparison.Ordinal), e = text.IndexOf(end, StringComparison.Ordinal);
            content = b >= 0 && e > b ? text[..b] + block + text[(e + end.Length)..] : text.TrimEnd('\n') + "\n\n" + block + "\n";
        }
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The Fashion-MNIST runs as Markdown: per-epoch wall time, samples/s and test accuracy, and the time to 85 %.</summary>
    public static string Fashion(string header, FashionTraining.Result ours, FashionTraining.Result torch, string torchThreads)
    {
        var sb = new StringBuilder();
        void Line(string s = "") => sb.Append(s).Append('\n');
        Line(header);
        Line();
        Line($"Fashion-MNIST, MLP 784-256-128-10 ReLU, batch 64 (938 steps an epoch, the last of 32 images), Adam lr 1e-3, fp32; same");
        Line($"initial weights and batch order on both sides; the 10,000 test images evaluated every quarter epoch. Epoch time counts");
        Line($"the training steps (batch gathering, forward, loss, backward, Adam step); time to 85 % is wall time from the start,");
        Line($"evaluations included. PyTorch: {torchThreads} (torch threads : OpenBLAS threads). First losses: ours {ours.FirstLoss:G7}, PyTorch {torch.FirstLoss:G7}.");
        Line();
        Line("| epoch | ours | ours samples/s | PyTorch | PyTorch samples/s | ratio (time) | test accuracy ours / PyTorch |");
        Line("|---|---|---|---|---|---|---|");
        for (int e = 0; e < Math.Min(ours.EpochSeconds.Length, torch.EpochSeconds.Length); e++)
        {
            double a = ours.EpochSeconds[e], b = torch.EpochSeconds[e];
            Line($"| {e + 1} | {a:F2} s | {60000 / a:F0} | {b:F2} s | {60000 / b:F0} | {a / b:F3} | {EpochAccuracy(ours, e)} / {EpochAccuracy(torch, e)} |");
        }
        Line();
        Line("| side | time to ≥ 85 % test accuracy | at step (epoch) | accuracy |");
        Line("|---|---|---|---|");
        foreach (var (side, r) in new[] { ("ours", ours), ("PyTorch", torch) })
            Line(r.FirstReaching(FashionTraining.TargetAccuracy) is { } v
                ? $"| {side} | {v.Seconds:F2} s | {v.Step} ({(v.Step - 1) / FashionTraining.StepsPerEpoch + 1}) | {v.Accuracy:F4} |"
                : $"| {side} | not reached | | best {r.Evaluations.Max(x => x.Accuracy):F4} |");
        return sb.ToString();
    }

    public static string EpochAccuracy(FashionTraining.Result r, int epoch)
        => epoch * FashionTraining.EvaluationsPerEpoch + FashionTraining.EvaluationsPerEpoch - 1 < r.Evaluations.Count
            ? r.Evaluations[epoch * FashionTraining.EvaluationsPerEpoch + FashionTraining.EvaluationsPerEpoch - 1].Accuracy.ToString("F4", CultureInfo.InvariantCulture) : "n/a";

    static string Bytes(Run r, string name) => r.Bytes.TryGetValue(name, out double b) ? $"{b:N0} B" : "";

    static string F(double x, string format) => double.IsNaN(x) ? "n/a" : x.ToString(format, CultureInfo.InvariantCulture);
}
