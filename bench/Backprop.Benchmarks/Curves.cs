using System.Globalization;
using System.Text;
using Backprop.Interactive.Charts;

namespace Backprop.Benchmarks;

/// <summary>How cost grows with work (issue 14, item 5): GEMM GFLOP/s against size and MLP step time against batch
/// size (ours and PyTorch from the same run), graph-view render time and HTML size against node count, and scalar
/// backward time against graph size (ours). Drawn with Backprop.Interactive's LineChart as SVG files in docs/.</summary>
public static class Curves
{
    public static readonly int[] GemmSizes = [32, 64, 128, 256, 512, 1024, 2048];
    public static readonly int[] Batches = [1, 4, 16, 64, 256, 1024];
    /// <summary>Two-moons samples and hidden width of the scalar hinge-loss graph (~340 nodes a sample at width 16) for
    /// the graph-view curve (about 100 to 100,000 nodes)…</summary>
    public static readonly (int Samples, int Hidden)[] ViewGraphs = [(2, 2), (2, 5), (2, 16), (10, 16), (30, 16), (100, 16), (300, 16)];
    /// <summary>…and for the backward curve (about 1k to 1M nodes).</summary>
    public static readonly int[] BackwardSamples = [3, 10, 30, 100, 300, 1000, 3000];

    const string Ours = "#2563eb", Theirs = "#ea580c", Other = "#16a34a";

    /// <summary>One point: x (size, batch or node count), ours, PyTorch (NaN when not measured), and for the graph
    /// views the HTML characters and the nodes drawn.</summary>
    public readonly record struct Point(double X, double Ours, double Torch, double Extra = double.NaN, int Drawn = 0);

    public sealed record Result(List<Point> Gemm, List<Point> Mlp, List<Point> ViewFull, List<Point> ViewDefault, List<Point> Backward, string TorchThreads);

    /// <summary>GEMM and MLP workloads (ours and the twin's), sampled lightly: the kernels are already hot from the
    /// smaller sizes, and the largest GEMM takes ~0.5 s a call.</summary>
    public static List<Workload> TwinWorkloads() =>
        [.. GemmSizes.Select(n => (Workload)new GemmShape(n, n, n, false, false, "square")), .. Batches.Select(b => (Workload)MlpStep.Mnist(b))];

    public static readonly Sampling Light = new(5, 0.05, 0.3, 5, 100);

    /// <summary>Rounds of the GEMM and MLP points: ours, then the twin, alternating, each side keeping its best per point
    /// (this machine's speed changes by the minute; one pass each once drew PyTorch's batch-64 step at 1.27 ms, its
    /// steady state being 0.69 ms).</summary>
    public const int Rounds = 2;

    public static Result Run(Func<List<Workload>, Dictionary<string, TorchTwin.Result>> twin, Action<string> log)
    {
        var workloads = TwinWorkloads();
        var ours = new Dictionary<string, double>();
        var torch = new Dictionary<string, TorchTwin.Result>();
        for (int round = 1; round <= Rounds; round++)
        {
            log($"  round {round}/{Rounds}");
            foreach (var w in workloads)
            {
                double s = Harness.Measure(w, Light).Seconds;
                ours[w.Name] = Math.Min(s, ours.GetValueOrDefault(w.Name, double.MaxValue));
                log($"  ours {w.Name,-22} {TorchTwin.Format(s)}");
            }
            foreach (var (name, r) in twin(workloads))
                if (!torch.TryGetValue(name, out var t) || r.Seconds < t.Seconds) torch[name] = r;
        }
        double TorchSeconds(string name) => torch.TryGetValue(name, out var t) ? t.Seconds : double.NaN;
        var gemm = workloads.OfType<GemmShape>().Select(g => new Point(g.M, g.Flops * 1e-9 / ours[g.Name], g.Flops * 1e-9 / TorchSeconds(g.Name))).ToList();
        var mlp = Batches.Select(b => new Point(b, ours[$"mlp{b}"] * 1e3, TorchSeconds($"mlp{b}") * 1e3)).ToList();

        List<Point> full = [], collapsed = [];
        foreach (var (samples, hidden) in ViewGraphs)
        {
            Value loss = GraphRender.HingeLoss(samples, hidden);
            loss.Backward();
            foreach (bool isFull in new[] { true, false })
            {
                var view = new GraphRender(loss, isFull);
                double s = Harness.Measure(view, new Sampling(3, 0, 0, 1, 0)).Seconds;
                (isFull ? full : collapsed).Add(new Point(view.Nodes, s * 1e3, double.NaN, view.HtmlChars, view.Drawn));
                log($"  ours {view.Name,-14} {view.Nodes,8} nodes, {view.Drawn,7} drawn: {TorchTwin.Format(s)}, {view.HtmlChars,10} chars");
            }
        }

        var backward = new List<Point>();
        foreach (int samples in BackwardSamples)
        {
            var w = new ScalarBackward(samples);
            double s = Harness.Measure(w, new Sampling(5, 0, 0.2, 2, 0)).Seconds;
            backward.Add(new Point(w.Nodes, s * 1e3, double.NaN));
            log($"  ours backward {w.Nodes,8} nodes: {TorchTwin.Format(s)}");
        }
        string threads = string.Join(", ", torch.Values.Select(t => t.Threads).Distinct());
        return new Result(gemm, mlp, full, collapsed, backward, threads);
    }

    /// <summary>Writes the SVG charts into <paramref name="docs"/> (each through a temporary file and a rename) and
    /// returns the Markdown for docs/performance.md (image links and the figures as a table).</summary>
    public static string Write(Result r, string docs, string header)
    {
        static Series Line(string name, IEnumerable<Point> points, Func<Point, double> y, string colour) =>
            new(name, [.. points.Select(p => p.X)], [.. points.Select(y)], colour, Markers: true);
        static string Chart(IReadOnlyList<Series> series, string xLabel, string yLabel, bool logY = true) =>
            LineChart.Svg(series, xLabel, yLabel, logY, logX: true);
        var charts = new (string File, string Alt, string Svg)[]
        {
            ("performance-gemm.svg", "GEMM GFLOP/s against size",
                Chart([Line("Backprop.NET", r.Gemm, p => p.Ours, Ours), Line("PyTorch", r.Gemm, p => p.Torch, Theirs)],
                    "n (n×n×n fp32 GEMM)", "GFLOP/s", logY: false)),
            ("performance-mlp-batch.svg", "MLP training step time against batch size",
                Chart([Line("Backprop.NET", r.Mlp, p => p.Ours, Ours), Line("PyTorch", r.Mlp, p => p.Torch, Theirs)],
                    "batch size", "ms per training step")),
            ("performance-graph-view.svg", "Graph view render time against node count",
                Chart([Line("full view", r.ViewFull, p => p.Ours, Ours), Line("default (collapsed) view", r.ViewDefault, p => p.Ours, Other)],
                    "nodes in the graph", "ms per ToHtml()")),
            ("performance-graph-html.svg", "Graph view HTML size against node count",
                Chart([Line("full view", r.ViewFull, p => p.Extra / 1e3, Ours), Line("default (collapsed) view", r.ViewDefault, p => p.Extra / 1e3, Other)],
                    "nodes in the graph", "thousand chars of HTML")),
            ("performance-backward.svg", "Scalar Value backward time against graph size",
                Chart([Line("Value.Backward()", r.Backward, p => p.Ours, Ours)], "nodes in the graph", "ms per backward")),
        };
        foreach (var (file, _, svg) in charts)
        {
            string path = Path.Combine(docs, file), temporary = path + ".tmp";
            File.WriteAllText(temporary, svg + "\n");
            File.Move(temporary, path, overwrite: true);
        }

        var sb = new StringBuilder();
        void L(string s = "") => sb.Append(s).Append('\n');
        static string N(double x, string f = "F2") => double.IsNaN(x) ? "n/a" : x.ToString(f, CultureInfo.InvariantCulture);
        L(header);
        L();
        L($"PyTorch's thread settings (best per point): {r.TorchThreads}. All x axes are logarithmic, and so are the y axes except GFLOP/s.");
        L();
        foreach (var (file, alt, _) in charts) L($"![{alt}]({file})");
        L();
        L("| GEMM n (n×n×n) | ours GFLOP/s | PyTorch GFLOP/s |");
        L("|---|---|---|");
        foreach (var p in r.Gemm) L($"| {p.X} | {N(p.Ours, "F1")} | {N(p.Torch, "F1")} |");
        L();
        L("| MLP 784-256-128-10 batch | ours ms/step | PyTorch ms/step | ratio | ours µs/sample |");
        L("|---|---|---|---|---|");
        foreach (var p in r.Mlp) L($"| {p.X} | {N(p.Ours, "F3")} | {N(p.Torch, "F3")} | {N(p.Ours / p.Torch, "F2")} | {N(p.Ours * 1e3 / p.X, "F1")} |");
        L();
        L("| graph nodes | full view: nodes drawn | HTML chars | ms | default view: nodes drawn | HTML chars | ms |");
        L("|---|---|---|---|---|---|---|");
        for (int i = 0; i < r.ViewFull.Count; i++)
        {
            Point f = r.ViewFull[i], d = r.ViewDefault[i];
            L($"| {f.X:N0} | {f.Drawn:N0} | {f.Extra:N0} | {N(f.Ours, "F1")} | {d.Drawn:N0} | {d.Extra:N0} | {N(d.Ours, "F1")} |");
        }
        L();
        L("| Value graph nodes | backward ms | ns per node |");
        L("|---|---|---|");
        foreach (var p in r.Backward) L($"| {p.X:N0} | {N(p.Ours, "F3")} | {N(p.Ours * 1e6 / p.X, "F0")} |");
        return sb.ToString();
    }
}

/// <summary>Value.Backward() over the scalar hinge-loss graph of <c>samples</c> two-moons samples (gradients accumulate).</summary>
public sealed class ScalarBackward : Workload
{
    readonly Value _loss;
    public ScalarBackward(int samples)
    {
        _loss = GraphRender.HingeLoss(samples);
        Nodes = _loss.TopologicalOrder().Count;
    }
    public int Nodes { get; }
    public override string Name => $"backward-{Nodes}";
    public override void Step() => _loss.Backward();
}
