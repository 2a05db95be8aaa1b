using System.Globalization;
using Backprop.Interactive.Tests;

namespace Backprop.Notebooks.Tests;

/// <summary>The worked-example notebooks in dotnet-repl (the runner's default host): they run cleanly, their committed
/// outputs are what a fresh run produces, the numbers the notes ask for are in them, and their pages open in a browser.</summary>
public class NotebookOutputTests(ReplNotebooks notebooks) : IClassFixture<ReplNotebooks>
{
    [Fact]
    public void Every_notebook_runs_cleanly()
    {
        notebooks.RequireRun();
        Assert.Equal(8, ExecutedNotebooks.Names.Count());
        foreach (string name in ExecutedNotebooks.Names.Concat(ExecutedNotebooks.ViewNames))
        {
            Assert.True(File.Exists(Path.Combine(notebooks.Output, name + ".html")), name);
            foreach (var cell in notebooks.Executed(name)["cells"]!.AsArray())
                foreach (var output in cell!["outputs"]?.AsArray() ?? [])
                    Assert.True((string?)output!["output_type"] != "error", $"{name}: {output.ToJsonString()}");
        }
    }

    [Fact]
    public void Committed_outputs_are_what_the_real_kernel_produces()
    {
        notebooks.RequireRun();
        foreach (string name in ExecutedNotebooks.Names)
        {
            string committed = ExecutedNotebooks.Normalize(File.ReadAllText(Path.Combine(ExecutedNotebooks.Source, name + ".ipynb")));
            string produced = ExecutedNotebooks.Normalize(File.ReadAllText(Path.Combine(notebooks.Output, name + ".ipynb")));
            if (committed == produced) continue;
            int at = Enumerable.Range(0, Math.Min(committed.Length, produced.Length)).FirstOrDefault(i => committed[i] != produced[i]);
            Assert.Fail($"{name}.ipynb differs from a fresh run at character {at}: committed «{Excerpt(committed, at)}», produced «{Excerpt(produced, at)}». " +
                        "Regenerate with ./run.sh --write-back.");
        }
    }

    [Fact]
    public void Every_view_in_the_committed_outputs_renders_as_ours_in_a_fresh_run() => ViewChecks.RenderLikeCommitted(notebooks);

    [Fact]
    public void Both_test_notebooks_show_every_public_view_type_as_ours() => ViewChecks.EveryViewType(notebooks);

    private static string Excerpt(string s, int at) => s.Substring(Math.Max(0, at - 60), Math.Min(160, s.Length - Math.Max(0, at - 60)));

    /// <summary>Six significant digits, as the views print numbers.</summary>
    private static string G6(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    [Fact]
    public void Note_003_numbers_appear_in_notebook_1()
    {
        notebooks.RequireRun();
        string text = notebooks.OutputText("01-derivatives-chain-rule-autograd");
        Assert.Contains("gradient = 16", text);            // d/dx (3x² + 4x) at 2
        Assert.Contains("formula_6x_plus_4 = 16", text);
        Assert.Contains("walker → bicycle → car: 4 · 2 = 8", text);
    }

    [Fact]
    public void Note_001_blanks_and_gradients_appear_in_notebook_2()
    {
        notebooks.RequireRun();
        string text = notebooks.OutputText("02-backprop-by-hand-note-001");
        // The all-zero case: h4 = e⁰ = 1 and every gradient 0, so the updated weights stay 0.
        Assert.Contains("z4 0 h4 1 zo 0", notebooks.PlainText("02-backprop-by-hand-note-001"));
        Assert.Contains("∂J/∂w11 over 2 path(s)", text);
        // The non-zero case, derived here by hand (no library) for the notebook's weights and inputs.
        double w11 = 0.3, w12 = -0.4, w21 = 0.5, w22 = 0.6, v11 = 0.7, v12 = -0.8, v22 = 0.9, u1 = 1.1, u2 = -0.5;
        double x1 = 0.5, x2 = 1.0, t = 0.25;
        double z1 = w11 * x1 + w21 * x2, h1 = z1, z2 = w12 * x1 + w22 * x2, h2 = z2 * z2 / 2;
        double z3 = v11 * h1, h3 = 2 * z3, z4 = v12 * h1 + v22 * h2, h4 = Math.Exp(z4);
        double zo = u1 * h3 + u2 * h4, o = Math.Sin(zo), J = 0.5 * (o - t) * (o - t);
        double dJdzo = (o - t) * Math.Cos(zo), dJdh3 = dJdzo * u1, dJdz4 = dJdzo * u2 * h4;
        double dJdh1 = dJdh3 * 2 * v11 + dJdz4 * v12, dJdz2 = dJdz4 * v22 * z2;
        double[] gradients = [dJdh1 * x1, dJdz2 * x1, dJdh1 * x2, dJdz2 * x2, dJdh3 * 2 * h1, dJdz4 * h1, dJdz4 * h2, dJdzo * h3, dJdzo * h4];
        foreach (double g in gradients) Assert.Contains(G6(g), text);
        Assert.Contains(G6(J), text);
        Assert.Contains(G6(dJdh3), text);                  // (o − t)·cos(zo)·u1: the sign the note gets wrong
    }

    [Fact]
    public void Note_002_deltas_appear_in_notebook_3()
    {
        notebooks.RequireRun();
        string text = notebooks.OutputText("03-output-layer-delta");
        foreach (double delta in new[] { 0.3 * 0.3 * 0.7, (0.5 - 1) * 0.5 * 0.5, 0.2 * 0.2 * 0.8 })
            Assert.Contains(G6(delta), text);
        Assert.Contains("{ L = 0.19 }", text);             // ½((0.3)² + (0.5 − 1)² + (0.2)²)
    }

    [Fact]
    public void Note_000_gradients_agree_with_autograd_in_notebook_4()
    {
        notebooks.RequireRun();
        string text = notebooks.OutputText("04-backprop-full-version");
        Assert.Contains("Layer δ table", text);
        Assert.Contains("paths = 16", text);
        Assert.Contains("passed = True", text);
        Assert.Contains("softmax_output", text);
    }

    [Fact]
    public void Note_004_gives_4_5_in_notebook_5()
    {
        notebooks.RequireRun();
        string text = notebooks.OutputText("05-layerwise-matrix-backprop-relu");
        Assert.Contains("grad:   min 4.5 max 4.5 mean 4.5 std 0", text);
        Assert.Contains("Layer δ table", text);
        // Hooks see the gradients arrive output layer first.
        Assert.Contains("order = 1, gradient_of = ∂L/∂h3", text);
        Assert.Contains("order = 3, gradient_of = ∂L/∂h1", text);
    }

    [Fact]
    public void Training_notebooks_show_progress_plots_and_boundaries()
    {
        notebooks.RequireRun();
        string six = notebooks.OutputText("06-training-an-mlp");
        Assert.Contains("bp-view bp-live", six);
        Assert.Contains("bp-view bp-loss", six);
        Assert.Contains("bp-view bp-boundary", six);
        Assert.Contains("validation metric 100.00 %", six); // two moons
        Assert.Contains("BatchNorm1d", six);                // the regularised network's summary
        if (Directory.Exists("/usr/share/datasets/fashion-mnist"))
        {
            Assert.Contains("test_accuracy", six);
            Assert.Contains("model = batch norm + dropout", six); // the comparison with and without them
        }
        string fsharp = notebooks.OutputText("07-fsharp-tour");
        Assert.Contains("bp-view bp-graph", fsharp);
        Assert.Contains("bp-view bp-loss", fsharp);
    }

    [Fact]
    public void Notebook_8_shows_ONNX_Runtime_agreeing_with_ours_a_bit_identical_resume_and_PyTorch_weights()
    {
        notebooks.RequireRun();
        const string name = "08-from-notebook-to-production";
        string text = notebooks.PlainText(name);
        // The notebook computes the agreement itself (every logit within 1e-5) and says so only when it holds.
        Assert.Contains("ONNX Runtime agrees with Backprop.NET on all 120 validation rows: every logit within 1e-5, the same class 120 times out of 120.", text);
        Assert.DoesNotContain("DIFFER", text);
        Assert.Contains("input: Single[batch, 2]", text);                       // the dynamic batch dimension, as ONNX Runtime reads it
        Assert.Contains("bit_identical_to_the_uninterrupted_run = True", text);
        Assert.Contains("writer tests/oracle/safetensors_oracle.py", text);     // the PyTorch-written state_dict loaded
        string html = notebooks.OutputText(name);
        Assert.Contains("bp-view bp-boundary", html);
        Assert.Contains("bp-view bp-graph", html);
    }

    [SkippableFact]
    public void Rendered_pages_open_in_headless_chromium_without_errors()
    {
        HeadlessChromium.RequireOrSkip();
        notebooks.RequireRun();
        string shots = Directory.CreateDirectory(Path.Combine(ProcessRunner.RepositoryRoot, "artifacts", "notebook-screenshots")).FullName;
        foreach (string page in ExecutedNotebooks.Names.Concat(ExecutedNotebooks.ViewNames).Prepend("index"))
        {
            string file = Path.Combine(notebooks.Output, page + ".html");
            var (errors, _) = HeadlessChromium.Load(file);
            Assert.True(errors.Count == 0, $"{page}: {string.Join("; ", errors)}");
            HeadlessChromium.Screenshot(file, Path.Combine(shots, page + ".png"));
        }
    }
}
