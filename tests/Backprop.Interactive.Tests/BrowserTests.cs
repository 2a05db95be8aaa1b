using System.Text.Json;
using Backprop.Core.Tests.Scalar;
using Backprop.Data;
using Backprop.Explicit;
using Backprop.Interactive.Charts;
using Backprop.Interactive.Html;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Training;

namespace Backprop.Interactive.Tests;

/// <summary>Every view in a real browser (Debian's headless Chromium, installed by .ci/run): it renders,
/// its SVGs have a size, and the page logs no errors. The screenshot goes to artifacts/browser/.</summary>
public class BrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static HtmlView[] EveryView()
    {
        var net = new Note001Network([0.3, -0.4, 0.5, 0.6, 0.7, -0.8, 0.9, 1.1, -0.5], 0.5, 1.0, 0.25);
        net.H1.Label = "h1"; net.H3.Label = "h3"; net.H4.Label = "h4"; net.O.Label = "o"; net.J.Label = "J";
        net.J.Backward();
        var a = Tensor.Ones([2, 2], DType.Float64);
        a.RequiresGrad = true;
        a.Label = "a";
        Tensor mean = (3 * (a + 2).Pow(2)).Mean();
        mean.Backward(retainAllGrads: true);
        var data = Datasets.TwoMoons(120, 0.1, 2);
        Sequential model = MLP.Create(2, [16, 16], 2, ActivationKind.Tanh, seed: 1);
        var live = LiveTraining.Show(TimeSpan.Zero, TextWriter.Null);
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), 0.02)) { BatchSize = 20 };
        TrainingHistory history = trainer.Fit(TensorDataset.FromClassification(data), 15, TensorDataset.FromClassification(data), live);
        var dense = new DenseNetwork(3, [4, 3], ActivationFunction.Sigmoid, ActivationFunction.Softmax, LossFunction.CrossEntropy, seed: 1);
        return
        [
            net.J.Graph(), net.J.GradientTable(learningRate: 0.1), net.J.ChainRule(net.W11), net.J.BackwardTrace(),
            mean.Graph(), a.View(), model.Summary(), history.Plot(), live, model.DecisionBoundary(data, 40),
            dense.Backpropagate([0.5, -0.2, 0.1], 1).DeltaTable(),
        ];
    }

    [SkippableFact]
    public void Every_view_renders_in_headless_chromium_without_errors()
    {
        Oracle_RequireChromium();
        string dir = Path.Combine(ProcessRunner.RepositoryRoot, "artifacts", "browser");
        Directory.CreateDirectory(dir);
        string page = Path.Combine(dir, "views.html");
        var writer = new StringWriter();
        HtmlView.WritePage(writer, "Backprop.NET views", EveryView());
        // Test harness only (the views themselves have no script): record errors and measure every svg.
        string harness = """
            <pre id="bp-report"></pre><script>
            window.__errors = [];
            window.addEventListener('error', e => window.__errors.push(String(e.message || (e.target && (e.target.src || e.target.href)))), true);
            const original = console.error; console.error = (...a) => { window.__errors.push(a.join(' ')); original(...a); };
            window.addEventListener('load', () => {
              const svgs = [...document.querySelectorAll('svg')].map(s => { const r = s.getBoundingClientRect(); return [r.width, r.height]; });
              document.getElementById('bp-report').textContent = JSON.stringify({ svgs, errors: window.__errors });
            });
            </script>
            """;
        File.WriteAllText(page, writer.ToString().Replace("</body>", harness + "</body>"));

        string flags = $"--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking " +
                       $"--disable-component-update --disable-sync --user-data-dir=\"{Path.Combine(dir, "profile")}\" --virtual-time-budget=5000";
        var (code, dom) = ProcessRunner.Run(Chromium, $"{flags} --dump-dom \"file://{page}\"", dir, timeoutSeconds: 120);
        Assert.True(code == 0, dom);
        int start = dom.IndexOf("<pre id=\"bp-report\">", StringComparison.Ordinal) + "<pre id=\"bp-report\">".Length;
        string json = System.Net.WebUtility.HtmlDecode(dom[start..dom.IndexOf("</pre>", start, StringComparison.Ordinal)]);
        using JsonDocument report = JsonDocument.Parse(json);
        var svgs = report.RootElement.GetProperty("svgs").EnumerateArray().Select(s => (s[0].GetDouble(), s[1].GetDouble())).ToList();
        Assert.True(svgs.Count >= 6, $"{svgs.Count} svgs");
        Assert.All(svgs, s => Assert.True(s.Item1 > 0 && s.Item2 > 0, $"an svg has size {s.Item1}×{s.Item2}"));
        Assert.Empty(report.RootElement.GetProperty("errors").EnumerateArray());

        string screenshot = Path.Combine(dir, "views.png");
        File.Delete(screenshot);
        var (shotCode, shotOutput) = ProcessRunner.Run(Chromium, $"{flags} --window-size=1400,6000 --screenshot=\"{screenshot}\" \"file://{page}\"", dir, timeoutSeconds: 120);
        Assert.True(shotCode == 0, shotOutput);
        Assert.True(new FileInfo(screenshot).Length > 50_000, "the screenshot is suspiciously small");
    }

    private static void Oracle_RequireChromium() =>
        Core.Tests.Oracle.ExternalRequirement.RequireOrSkip("Chromium (Debian package chromium)", File.Exists(Chromium) ? null : $"{Chromium} is not installed");
}
