using System.Globalization;
using Backprop.Data;
using Backprop.Interactive.Html;

namespace Backprop.Interactive.Charts;

/// <summary>
/// What a 2-D classifier decides everywhere: a heat map of the predicted class over the plane (stronger
/// colour for higher confidence), with the data points on top coloured by their true class; points the
/// model gets wrong have a red ring. Static SVG.
/// </summary>
public sealed class DecisionBoundary : HtmlView
{
    /// <summary>The most data points drawn (evenly spread over the data set); the caption says when some are not.</summary>
    public const int MaxDrawnPoints = 5000;

    private static readonly string[] Palette = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777"];

    private readonly ClassificationData _data;
    private readonly int[,] _class;
    private readonly double[,] _confidence;
    private readonly double _x0, _x1, _y0, _y1;
    private readonly int[] _predicted;

    /// <summary>Evaluates <paramref name="predict"/> (points [n, 2] → class and confidence per point) on a grid.</summary>
    /// <param name="data">The 2-D data set drawn on top.</param>
    /// <param name="predict">Classifies a batch of points (row i = (x, y)).</param>
    /// <param name="resolution">Grid cells per side.</param>
    public DecisionBoundary(ClassificationData data, Func<double[][], (int Class, double Confidence)[]> predict, int resolution = 80)
    {
        _data = data ?? throw new ArgumentNullException(nameof(data));
        ArgumentNullException.ThrowIfNull(predict);
        if (data.FeatureCount != 2) throw new ArgumentException($"DecisionBoundary: expected 2 features per point, got {data.FeatureCount}.", nameof(data));
        if (resolution is < 2 or > 400) throw new ArgumentException($"DecisionBoundary: expected a resolution in [2, 400], got {resolution}.", nameof(resolution));
        Resolution = resolution;
        double minX = data.Features.Min(f => f[0]), maxX = data.Features.Max(f => f[0]);
        double minY = data.Features.Min(f => f[1]), maxY = data.Features.Max(f => f[1]);
        double padX = Math.Max(1e-6, (maxX - minX) * 0.1), padY = Math.Max(1e-6, (maxY - minY) * 0.1);
        (_x0, _x1, _y0, _y1) = (minX - padX, maxX + padX, minY - padY, maxY + padY);
        var grid = new double[resolution * resolution][];
        for (int r = 0; r < resolution; r++)
            for (int c = 0; c < resolution; c++)
                grid[r * resolution + c] = [_x0 + (c + 0.5) * (_x1 - _x0) / resolution, _y1 - (r + 0.5) * (_y1 - _y0) / resolution];
        var answers = predict(grid);
        if (answers.Length != grid.Length) throw new ArgumentException($"DecisionBoundary: the classifier returned {answers.Length} answers for {grid.Length} points.");
        _class = new int[resolution, resolution];
        _confidence = new double[resolution, resolution];
        for (int r = 0; r < resolution; r++)
            for (int c = 0; c < resolution; c++)
                (_class[r, c], _confidence[r, c]) = answers[r * resolution + c];
        _predicted = predict(data.Features).Select(a => a.Class).ToArray();
        Accuracy = _predicted.Zip(data.Labels).Count(p => p.First == p.Second) / (double)Math.Max(1, data.Count);
    }

    /// <summary>For a tensor model mapping [n, 2] to logits [n, C] (C ≥ 2, softmax) or [n, 1] (sigmoid, class 1 when positive).</summary>
    public static DecisionBoundary For(NN.Module model, ClassificationData data, int resolution = 80)
    {
        ArgumentNullException.ThrowIfNull(model);
        DType dtype = model.Parameters().FirstOrDefault()?.DType ?? DType.Float32;
        return new DecisionBoundary(data, points =>
        {
            var flat = new double[points.Length * 2];
            for (int i = 0; i < points.Length; i++) { flat[2 * i] = points[i][0]; flat[2 * i + 1] = points[i][1]; }
            bool training = model.IsTraining;
            model.Eval();
            try
            {
                using var _ = new NoGrad();
                Tensor logits = model.Forward(Tensor.FromArray(flat, [points.Length, 2], dtype));
                return Classify(logits);
            }
            finally { model.Train(training); }
        }, resolution);
    }

    /// <summary>For a scalar <see cref="Scalar.ValueMLP"/> with one output: class 1 where the score is positive.</summary>
    public static DecisionBoundary For(Scalar.ValueMLP model, ClassificationData data, int resolution = 60)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new DecisionBoundary(data, points =>
        {
            using var _ = new NoGrad();
            return points.Select(p =>
            {
                double score = model.Predict(p).Data;
                return (score > 0 ? 1 : 0, Math.Abs(1 / (1 + Math.Exp(-score)) - 0.5) * 2);
            }).ToArray();
        }, resolution);
    }

    private static (int, double)[] Classify(Tensor logits)
    {
        double[] v = logits.ToArray();
        int n = logits.Shape[0], k = logits.Rank == 1 ? 1 : logits.Shape[1];
        var result = new (int, double)[n];
        for (int i = 0; i < n; i++)
        {
            if (k == 1)
            {
                double p = 1 / (1 + Math.Exp(-v[i]));
                result[i] = (p > 0.5 ? 1 : 0, Math.Abs(p - 0.5) * 2);
                continue;
            }
            int best = 0;
            double max = v[i * k];
            for (int j = 1; j < k; j++) if (v[i * k + j] > max) { max = v[i * k + j]; best = j; }
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.Exp(v[i * k + j] - max);
            double top = 1 / sum; // softmax probability of the best class
            result[i] = (best, (top - 1.0 / k) / (1 - 1.0 / k));
        }
        return result;
    }

    /// <summary>Grid cells per side.</summary>
    public int Resolution { get; }

    /// <summary>The fraction of data points classified correctly.</summary>
    public double Accuracy { get; }

    /// <inheritdoc/>
    protected override string Title => "Decision boundary";

    /// <inheritdoc/>
    public override void WriteHtml(TextWriter writer)
    {
        const double size = 420, margin = 8;
        double cell = size / Resolution;
        double Sx(double x) => margin + (x - _x0) / (_x1 - _x0) * size;
        double Sy(double y) => margin + (_y1 - y) / (_y1 - _y0) * size;
        var w = new HtmlWriter(writer).BeginView("bp-boundary", "", ToText()).BeginSvg(size + 2 * margin, size + 2 * margin);
        // Heat map: runs of equal class and confidence level merge into one rectangle per row.
        w.Start("g").Attr("shape-rendering", "crispEdges");
        for (int r = 0; r < Resolution; r++)
        {
            int c = 0;
            while (c < Resolution)
            {
                int cls = _class[r, c], level = Level(_confidence[r, c]), end = c + 1;
                while (end < Resolution && _class[r, end] == cls && Level(_confidence[r, end]) == level) end++;
                // Opaque tints (the class colour mixed with white), so neighbouring cells never darken where they meet.
                w.Start("rect").Attr("x", margin + c * cell).Attr("y", margin + r * cell).Attr("width", (end - c) * cell + 0.5).Attr("height", cell + 0.5)
                 .Attr("fill", Tint(Colour(cls), 0.12 + 0.1 * level)).End();
                c = end;
            }
        }
        w.End();
        int stride = PointStride;
        for (int i = 0; i < _data.Count; i += stride)
        {
            double[] p = _data.Features[i];
            bool wrong = _predicted[i] != _data.Labels[i];
            w.Start("circle").Attr("cx", Sx(p[0])).Attr("cy", Sy(p[1])).Attr("r", 3.6).Attr("fill", Colour(_data.Labels[i]))
             .Attr("stroke", wrong ? "#dc2626" : "#fff").Attr("stroke-width", wrong ? 2 : 0.8).End();
        }
        w.Start("rect").Attr("x", margin).Attr("y", margin).Attr("width", size).Attr("height", size).Attr("fill", "none").Attr("stroke", "#94a3b8").End();
        w.End().End();
    }

    private int PointStride => Math.Max(1, (_data.Count + MaxDrawnPoints - 1) / MaxDrawnPoints);

    private static string Tint(string colour, double strength)
    {
        int Mix(int i) => (int)Math.Round(255 + (Convert.ToInt32(colour.Substring(i, 2), 16) - 255) * strength);
        return $"#{Mix(1):x2}{Mix(3):x2}{Mix(5):x2}";
    }

    private static int Level(double confidence) => double.IsFinite(confidence) ? Math.Clamp((int)(confidence * 5), 0, 4) : 0;

    private static string Colour(int cls) => Palette[((cls % Palette.Length) + Palette.Length) % Palette.Length];

    /// <inheritdoc/>
    public override string ToText() =>
        string.Create(CultureInfo.InvariantCulture,
            $"Decision boundary on {_data.Count} points ({_data.ClassCount} classes): accuracy {Accuracy:P1}; misclassified points have a red ring.") +
        (PointStride > 1
            ? string.Create(CultureInfo.InvariantCulture, $" Every {PointStride}th point is drawn ({(_data.Count + PointStride - 1) / PointStride:N0} of {_data.Count:N0}).")
            : "");
}
