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
        Sequential model = MLP.Create(2, [16, 16], 2, Activation.Tanh, seed: 1);
        var live = LiveTraining.Show(TimeSpan.Zero, TextWriter.Null);
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), 0.02)) { BatchSize = 20 };
        TrainingHistory history = trainer.Fit(TensorDataset.FromClassification(data), 15, TensorDataset.FromClassification(data), live);
        var dense = new DenseNetwork(3, [4], 3, Activation.Sigmoid, Activation.Softmax, LossFunction.CrossEntropy, seed: 1);
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
        HeadlessChromium.RequireOrSkip();
        string dir = Path.Combine(ProcessRunner.RepositoryRoot, "artifacts", "browser");
        Directory.CreateDirectory(dir);
        string page = Path.Combine(dir, "views.html");
        HtmlView.SavePage(page, "Backprop.NET views", EveryView());
        var (errors, svgs) = HeadlessChromium.Load(page);
        Assert.Empty(errors);
        Assert.True(svgs.Count >= 6, $"{svgs.Count} svgs");
        Assert.All(svgs, s => Assert.True(s.Width > 0 && s.Height > 0, $"an svg has size {s.Width}×{s.Height}"));
        HeadlessChromium.Screenshot(page, Path.Combine(dir, "views.png"), 1400, 6000);
    }
}
