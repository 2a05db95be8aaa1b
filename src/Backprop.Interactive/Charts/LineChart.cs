using System.Text;
using Backprop.Interactive.Html;

namespace Backprop.Interactive.Charts;

/// <summary>One line of a <see cref="LineChart"/>.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">X coordinates.</param>
/// <param name="Y">Y values; NaN or ∞ are not drawn as lines but marked at the top edge.</param>
/// <param name="Colour">Stroke colour.</param>
/// <param name="Width">Stroke width.</param>
/// <param name="Markers">Draw a dot at each point.</param>
/// <param name="Opacity">Stroke opacity.</param>
public sealed record Series(string Name, double[] X, double[] Y, string Colour, double Width = 1.8, bool Markers = false, double Opacity = 1)
{
    /// <summary>The X coordinates (as many as <see cref="Y"/>).</summary>
    public double[] X { get; init; } = X ?? throw new ArgumentNullException(nameof(X));

    /// <summary>The Y values (as many as <see cref="X"/>).</summary>
    public double[] Y { get; init; } = Y is null ? throw new ArgumentNullException(nameof(Y))
        : Y.Length == X.Length ? Y
        : throw new ArgumentException($"Series '{Name}': {X.Length} x values but {Y.Length} y values; expected one y per x.", nameof(Y));

    /// <summary>A colour written into SVG attributes, so only #rgb, #rrggbb or #rrggbbaa is accepted.</summary>
    public string Colour { get; init; } = LineChart.CheckColour(Colour);
}

/// <summary>A static SVG line chart: axes with round-number ticks, optional log scales, legend, and visible
/// markers for non-finite values (a red × on the top edge) instead of a broken line.</summary>
public static class LineChart
{
    /// <summary>The most points drawn per line: a longer series is thinned to every k-th point (and its last).</summary>
    public const int MaxPointsPerSeries = 2000;

    /// <summary>The most non-finite values marked with a × (all are counted).</summary>
    public const int MaxMarkedNonFinite = 100;

    /// <summary>The most lines drawn (and listed in the legend); the chart says how many were left out.</summary>
    public const int MaxSeries = 12;

    private const int MaxNameChars = 40;

    /// <summary>Writes the chart as an &lt;svg&gt; element. Its size is bounded: at most <see cref="MaxSeries"/> lines of at
    /// most <see cref="MaxPointsPerSeries"/> points, names clipped, and a note saying what was thinned or left out.
    /// With <paramref name="logX"/>, x is drawn on a log scale and points with x ≤ 0 are left out.</summary>
    public static string Svg(IReadOnlyList<Series> series, string xLabel, string yLabel, bool logY = false, double width = 640, double height = 260, bool logX = false)
    {
        ArgumentNullException.ThrowIfNull(series);
        int omittedSeries = Math.Max(0, series.Count - MaxSeries);
        if (omittedSeries > 0) series = series.Take(MaxSeries).ToArray();
        xLabel = HtmlText.Clip(xLabel ?? "", MaxNameChars);
        yLabel = HtmlText.Clip(yLabel ?? "", MaxNameChars);
        const double left = 62, right = 16, top = 26, bottom = 40;
        double pw = width - left - right, ph = height - top - bottom;
        double xmin = double.PositiveInfinity, xmax = double.NegativeInfinity, ymin = double.PositiveInfinity, ymax = double.NegativeInfinity;
        foreach (Series s in series)
            for (int i = 0; i < s.X.Length; i++)
            {
                if (logX && !(s.X[i] > 0)) continue;
                xmin = Math.Min(xmin, s.X[i]); xmax = Math.Max(xmax, s.X[i]);
                double y = s.Y[i];
                if (!double.IsFinite(y) || (logY && y <= 0)) continue;
                ymin = Math.Min(ymin, y); ymax = Math.Max(ymax, y);
            }
        if (!double.IsFinite(xmin)) { xmin = logX ? 1 : 0; xmax = logX ? 10 : 1; }
        if (logX) { xmin = Math.Log10(xmin); xmax = Math.Log10(xmax); }
        if (xmax == xmin) xmax = xmin + 1;
        if (!double.IsFinite(ymin)) { ymin = logY ? 0.1 : 0; ymax = 1; }
        if (logY) { ymin = Math.Log10(ymin); ymax = Math.Log10(ymax); }
        if (ymax == ymin) { ymin -= 0.5; ymax += 0.5; }
        double pad = (ymax - ymin) * 0.05;
        ymin -= pad; ymax += pad;
        double Sx(double x) => left + ((logX ? Math.Log10(x) : x) - xmin) / (xmax - xmin) * pw;
        double Sy(double y) => top + (1 - ((logY ? Math.Log10(y) : y) - ymin) / (ymax - ymin)) * ph;

        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{HtmlText.Px(width)}\" height=\"{HtmlText.Px(height)}\" viewBox=\"0 0 {HtmlText.Px(width)} {HtmlText.Px(height)}\" font-family=\"system-ui,sans-serif\" font-size=\"11\">");
        sb.Append($"<rect x=\"{HtmlText.Px(left)}\" y=\"{HtmlText.Px(top)}\" width=\"{HtmlText.Px(pw)}\" height=\"{HtmlText.Px(ph)}\" fill=\"#fff\" stroke=\"#cbd5e1\"/>");
        // Y ticks.
        foreach (double t in Ticks(ymin, ymax, 5))
        {
            double y = top + (1 - (t - ymin) / (ymax - ymin)) * ph;
            string label = logY ? HtmlText.Number(Math.Pow(10, t), 3) : HtmlText.Number(t, 4);
            sb.Append($"<line x1=\"{HtmlText.Px(left)}\" x2=\"{HtmlText.Px(left + pw)}\" y1=\"{HtmlText.Px(y)}\" y2=\"{HtmlText.Px(y)}\" stroke=\"#eef2f7\"/>");
            sb.Append($"<text x=\"{HtmlText.Px(left - 6)}\" y=\"{HtmlText.Px(y + 4)}\" text-anchor=\"end\" fill=\"#475569\">{HtmlText.Escape(label)}</text>");
        }
        foreach (double t in Ticks(xmin, xmax, 6))
        {
            double x = left + (t - xmin) / (xmax - xmin) * pw;
            sb.Append($"<line x1=\"{HtmlText.Px(x)}\" x2=\"{HtmlText.Px(x)}\" y1=\"{HtmlText.Px(top + ph)}\" y2=\"{HtmlText.Px(top + ph + 4)}\" stroke=\"#94a3b8\"/>");
            sb.Append($"<text x=\"{HtmlText.Px(x)}\" y=\"{HtmlText.Px(top + ph + 16)}\" text-anchor=\"middle\" fill=\"#475569\">{HtmlText.Escape(logX ? HtmlText.Number(Math.Pow(10, t), 3) : HtmlText.Number(t, 5))}</text>");
        }
        sb.Append($"<text x=\"{HtmlText.Px(left + pw / 2)}\" y=\"{HtmlText.Px(height - 6)}\" text-anchor=\"middle\" fill=\"#334155\">{HtmlText.Escape(xLabel + (logX ? " (log scale)" : ""))}</text>");
        sb.Append($"<text transform=\"translate(14 {HtmlText.Px(top + ph / 2)}) rotate(-90)\" text-anchor=\"middle\" fill=\"#334155\">{HtmlText.Escape(yLabel + (logY ? " (log scale)" : ""))}</text>");

        int nonFinite = 0, marked = 0;
        bool thinned = false;
        foreach (Series s in series)
        {
            string name = HtmlText.Escape(HtmlText.Clip(s.Name, MaxNameChars));
            foreach (double y in s.Y) if (!double.IsFinite(y) || (logY && y <= 0)) nonFinite++;
            int stride = Math.Max(1, (s.X.Length + MaxPointsPerSeries - 1) / MaxPointsPerSeries);
            thinned |= stride > 1;
            var path = new StringBuilder();
            bool pen = false;
            for (int i = 0; i < s.X.Length; i = NextPoint(i, stride, s.X.Length))
            {
                if (logX && !(s.X[i] > 0)) { pen = false; continue; }
                double y = s.Y[i];
                if (!double.IsFinite(y) || (logY && y <= 0))
                {
                    pen = false;
                    if (marked++ >= MaxMarkedNonFinite) continue;
                    double x = Sx(s.X[i]);
                    sb.Append($"<text x=\"{HtmlText.Px(x)}\" y=\"{HtmlText.Px(top + 10)}\" text-anchor=\"middle\" fill=\"#dc2626\" font-weight=\"700\"><title>{name} at {HtmlText.Number(s.X[i])}: {HtmlText.Number(y)}</title>×</text>");
                    continue;
                }
                path.Append(pen ? 'L' : 'M').Append(HtmlText.Px(Sx(s.X[i]))).Append(',').Append(HtmlText.Px(Sy(y)));
                pen = true;
            }
            if (path.Length > 0)
                sb.Append($"<path d=\"{path}\" fill=\"none\" stroke=\"{s.Colour}\" stroke-width=\"{HtmlText.Px(s.Width)}\" stroke-opacity=\"{HtmlText.Px(s.Opacity)}\" stroke-linejoin=\"round\"/>");
            if (s.Markers)
                for (int i = 0; i < s.X.Length; i = NextPoint(i, stride, s.X.Length))
                    if (double.IsFinite(s.Y[i]) && !(logY && s.Y[i] <= 0) && !(logX && !(s.X[i] > 0)))
                        sb.Append($"<circle cx=\"{HtmlText.Px(Sx(s.X[i]))}\" cy=\"{HtmlText.Px(Sy(s.Y[i]))}\" r=\"3\" fill=\"{s.Colour}\"><title>{name}: {HtmlText.Number(s.Y[i], 6)}</title></circle>");
        }
        // Legend.
        double lx = left + 8;
        foreach (Series s in series)
        {
            string name = HtmlText.Clip(s.Name, MaxNameChars);
            sb.Append($"<rect x=\"{HtmlText.Px(lx)}\" y=\"8\" width=\"14\" height=\"4\" fill=\"{s.Colour}\"/><text x=\"{HtmlText.Px(lx + 18)}\" y=\"14\" fill=\"#334155\">{HtmlText.Escape(name)}</text>");
            lx += 28 + name.Length * 6.2;
        }
        if (nonFinite > 0)
            sb.Append($"<text x=\"{HtmlText.Px(left + pw)}\" y=\"14\" text-anchor=\"end\" fill=\"#dc2626\">{nonFinite} non-finite value(s) marked ×{(marked > MaxMarkedNonFinite ? $" (the first {MaxMarkedNonFinite} shown)" : "")}</text>");
        if (thinned || omittedSeries > 0)
            sb.Append($"<text x=\"{HtmlText.Px(left + pw)}\" y=\"{HtmlText.Px(height - 6)}\" text-anchor=\"end\" fill=\"#64748b\">")
              .Append(thinned ? $"lines thinned to at most {MaxPointsPerSeries:N0} points" : "")
              .Append(thinned && omittedSeries > 0 ? "; " : "")
              .Append(omittedSeries > 0 ? $"{omittedSeries:N0} more line(s) not drawn" : "").Append("</text>");
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>The next index drawn: every <paramref name="stride"/>-th point, and always the last one.</summary>
    private static int NextPoint(int i, int stride, int count) => i == count - 1 ? count : Math.Min(i + stride, count - 1);

    /// <summary>Returns <paramref name="colour"/> if it is a hex colour (#rgb, #rrggbb, #rrggbbaa), else throws:
    /// colours go into SVG attributes, so nothing else may pass.</summary>
    internal static string CheckColour(string colour)
    {
        bool ok = colour is { Length: 4 or 7 or 9 } && colour[0] == '#' && colour.Skip(1).All(char.IsAsciiHexDigit);
        return ok ? colour : throw new ArgumentException($"LineChart: expected a hex colour such as #1d4ed8, got '{colour}'.", nameof(colour));
    }

    /// <summary>Round-number ticks covering [lo, hi].</summary>
    internal static IEnumerable<double> Ticks(double lo, double hi, int count)
    {
        double span = hi - lo;
        if (!(span > 0) || !double.IsFinite(span)) yield break;
        double raw = span / count, mag = Math.Pow(10, Math.Floor(Math.Log10(raw))), norm = raw / mag;
        double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
        for (double t = Math.Ceiling(lo / step) * step; t <= hi + step * 1e-9; t += step)
            yield return Math.Abs(t) < step * 1e-9 ? 0 : t;
    }

    /// <summary>A small inline trend line (no axes) of the last values (thinned to at most <see cref="MaxPointsPerSeries"/> points).</summary>
    public static string Sparkline(IReadOnlyList<double> values, double width = 160, double height = 32, string colour = "#2563eb")
    {
        ArgumentNullException.ThrowIfNull(values);
        colour = CheckColour(colour);
        int stride = Math.Max(1, (values.Count + MaxPointsPerSeries - 1) / MaxPointsPerSeries);
        var finite = values.Where(double.IsFinite).ToArray();
        var sb = new StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{HtmlText.Px(width)}\" height=\"{HtmlText.Px(height)}\" viewBox=\"0 0 {HtmlText.Px(width)} {HtmlText.Px(height)}\">");
        if (finite.Length >= 2)
        {
            double lo = finite.Min(), hi = finite.Max();
            if (hi == lo) hi = lo + 1;
            var path = new StringBuilder();
            bool pen = false;
            for (int i = 0; i < values.Count; i = NextPoint(i, stride, values.Count))
            {
                if (!double.IsFinite(values[i])) { pen = false; continue; }
                double x = 2 + (width - 4) * i / Math.Max(1, values.Count - 1), y = 2 + (height - 4) * (1 - (values[i] - lo) / (hi - lo));
                path.Append(pen ? 'L' : 'M').Append(HtmlText.Px(x)).Append(',').Append(HtmlText.Px(y));
                pen = true;
            }
            sb.Append($"<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\"/>");
        }
        return sb.Append("</svg>").ToString();
    }
}
