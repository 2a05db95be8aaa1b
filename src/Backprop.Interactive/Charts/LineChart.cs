using System.Globalization;
using Backprop.Interactive.Html;

namespace Backprop.Interactive.Charts;

/// <summary>A static SVG line chart: axes with round-number ticks, optional log scales, legend, and visible
/// markers for non-finite values (a red × on the top edge) instead of a broken line.</summary>
/// <remarks>Its size is bounded: at most <see cref="MaxSeries"/> lines of at most <see cref="MaxPointsPerSeries"/>
/// points, names clipped, and a note saying what was thinned or left out.</remarks>
public sealed class LineChart : HtmlView
{
    // The plot area's margins inside the svg (room for tick labels, axis titles and the legend), in pixels.
    private const double Left = 62, Right = 16, Top = 26, Bottom = 40;
    private const int MaxNameChars = 40;

    /// <summary>The most points drawn per line: a longer series is thinned to every k-th point (and its last).</summary>
    public const int MaxPointsPerSeries = 2000;

    /// <summary>The most non-finite values marked with a × (all are counted).</summary>
    public const int MaxMarkedNonFinite = 100;

    /// <summary>The most lines drawn (and listed in the legend); the chart says how many were left out.</summary>
    public const int MaxSeries = 12;

    private readonly IReadOnlyList<Series> _series;
    private readonly int _omittedSeries;
    private readonly string _xLabel, _yLabel;
    private readonly bool _logX, _logY;
    private readonly double _width, _height;

    /// <summary>A chart of <paramref name="series"/>. With <paramref name="logX"/>, x is drawn on a log scale and points
    /// with x ≤ 0 are left out; with <paramref name="logY"/>, y values ≤ 0 are marked like non-finite ones.</summary>
    /// <param name="series">The lines (the first <see cref="MaxSeries"/> are drawn).</param>
    /// <param name="xLabel">The x axis title.</param>
    /// <param name="yLabel">The y axis title.</param>
    /// <param name="logY">Log scale for y.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="logX">Log scale for x.</param>
    /// <param name="caption">A line of text above the chart in <see cref="HtmlView.ToHtml"/> (none by default).</param>
    public LineChart(IReadOnlyList<Series> series, string xLabel, string yLabel, bool logY = false, double width = 640, double height = 260,
        bool logX = false, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (!(width > Left + Right && height > Top + Bottom && double.IsFinite(width) && double.IsFinite(height)))
            throw new ArgumentException($"LineChart: expected a width above {Left + Right} and a height above {Top + Bottom} pixels, got {HtmlText.Number(width)}×{HtmlText.Number(height)}.");
        _omittedSeries = Math.Max(0, series.Count - MaxSeries);
        _series = _omittedSeries > 0 ? series.Take(MaxSeries).ToArray() : series;
        _xLabel = HtmlText.Clip(xLabel ?? "", MaxNameChars);
        _yLabel = HtmlText.Clip(yLabel ?? "", MaxNameChars);
        (_logX, _logY, _width, _height) = (logX, logY, width, height);
        Caption = caption;
    }

    /// <summary>The chart as an &lt;svg&gt; element (what <c>new LineChart(…)</c> draws, without the frame around it).</summary>
    public static string Svg(IReadOnlyList<Series> series, string xLabel, string yLabel, bool logY = false, double width = 640, double height = 260, bool logX = false) =>
        new LineChart(series, xLabel, yLabel, logY, width, height, logX).ToSvg();

    /// <summary>The text above the chart, if any.</summary>
    public string? Caption { get; }

    /// <inheritdoc/>
    protected override string Title => "Chart";

    /// <summary>The bare &lt;svg&gt; element.</summary>
    public string ToSvg()
    {
        var writer = new StringWriter();
        WriteSvg(new HtmlWriter(writer));
        return writer.ToString();
    }

    /// <inheritdoc/>
    public override void WriteHtml(TextWriter writer)
    {
        var w = new HtmlWriter(writer).BeginView("bp-chart", "", Caption is null ? null : HtmlText.Short(Caption));
        WriteSvg(w);
        w.End();
    }

    /// <inheritdoc/>
    public override string ToText() =>
        $"{HtmlText.Short(Caption ?? "Line chart")}: {_yLabel} against {_xLabel}, {_series.Count + _omittedSeries} line(s)" +
        (_series.Count == 0 ? "" : " (" + string.Join(", ", _series.Select(s => HtmlText.Clip(s.Name, MaxNameChars))) + (_omittedSeries > 0 ? ", …" : "") + ")");

    /// <summary>Writes the chart as an &lt;svg&gt; element.</summary>
    internal void WriteSvg(HtmlWriter w)
    {
        double pw = _width - Left - Right, ph = _height - Top - Bottom;
        var (xmin, xmax, ymin, ymax) = Ranges();
        double Sx(double x) => Left + ((_logX ? Math.Log10(x) : x) - xmin) / (xmax - xmin) * pw;
        double Sy(double y) => Top + (1 - ((_logY ? Math.Log10(y) : y) - ymin) / (ymax - ymin)) * ph;

        w.BeginSvg(_width, _height).Attr("font-family", "system-ui,sans-serif").Attr("font-size", 11);
        w.Start("rect").Attr("x", Left).Attr("y", Top).Attr("width", pw).Attr("height", ph).Attr("fill", "#fff").Attr("stroke", "#cbd5e1").End();
        foreach (double t in Ticks(ymin, ymax, 5))
        {
            double y = Top + (1 - (t - ymin) / (ymax - ymin)) * ph;
            w.Start("line").Attr("x1", Left).Attr("x2", Left + pw).Attr("y1", y).Attr("y2", y).Attr("stroke", "#eef2f7").End();
            Label(w, Left - 6, y + 4, "end", "#475569", _logY ? HtmlText.Number(Math.Pow(10, t), 3) : HtmlText.Number(t, 4));
        }
        foreach (double t in Ticks(xmin, xmax, 6))
        {
            double x = Left + (t - xmin) / (xmax - xmin) * pw;
            w.Start("line").Attr("x1", x).Attr("x2", x).Attr("y1", Top + ph).Attr("y2", Top + ph + 4).Attr("stroke", "#94a3b8").End();
            Label(w, x, Top + ph + 16, "middle", "#475569", _logX ? HtmlText.Number(Math.Pow(10, t), 3) : HtmlText.Number(t, 5));
        }
        Label(w, Left + pw / 2, _height - 6, "middle", "#334155", _xLabel + (_logX ? " (log scale)" : ""));
        w.Start("text").BeginAttr("transform").AttrText("translate(14 ").Coordinate(Top + ph / 2).AttrText(") rotate(-90)").EndAttr()
         .Attr("text-anchor", "middle").Attr("fill", "#334155").Text(_yLabel + (_logY ? " (log scale)" : "")).End();

        int nonFinite = 0, marked = 0;
        bool thinned = false;
        foreach (Series s in _series)
        {
            string name = HtmlText.Clip(s.Name, MaxNameChars);
            foreach (double y in s.Y) if (!Drawable(y)) nonFinite++;
            int stride = Math.Max(1, (s.X.Length + MaxPointsPerSeries - 1) / MaxPointsPerSeries);
            thinned |= stride > 1;
            bool anyDrawn = false;
            // The × marks of values that cannot be drawn, then the line through the others (broken at the marks).
            for (int i = 0; i < s.X.Length; i = NextPoint(i, stride, s.X.Length))
            {
                if (_logX && !(s.X[i] > 0)) continue;
                if (Drawable(s.Y[i])) { anyDrawn = true; continue; }
                if (marked++ >= MaxMarkedNonFinite) continue;
                w.Start("text").Attr("x", Sx(s.X[i])).Attr("y", Top + 10).Attr("text-anchor", "middle").Attr("fill", "#dc2626").Attr("font-weight", "700")
                 .Start("title").Text(name).Text(" at ").Number(s.X[i]).Text(": ").Number(s.Y[i]).End().Text('×').End();
            }
            if (anyDrawn)
            {
                w.Start("path").BeginAttr("d");
                bool pen = false;
                for (int i = 0; i < s.X.Length; i = NextPoint(i, stride, s.X.Length))
                {
                    if ((_logX && !(s.X[i] > 0)) || !Drawable(s.Y[i])) { pen = false; continue; }
                    w.PathTo(pen ? 'L' : 'M', Sx(s.X[i]), Sy(s.Y[i]));
                    pen = true;
                }
                w.EndAttr().Attr("fill", "none").Attr("stroke", s.Colour).Attr("stroke-width", s.Width).Attr("stroke-opacity", s.Opacity)
                 .Attr("stroke-linejoin", "round").End();
            }
            if (s.Markers)
                for (int i = 0; i < s.X.Length; i = NextPoint(i, stride, s.X.Length))
                    if (Drawable(s.Y[i]) && !(_logX && !(s.X[i] > 0)))
                        w.Start("circle").Attr("cx", Sx(s.X[i])).Attr("cy", Sy(s.Y[i])).Attr("r", 3).Attr("fill", s.Colour)
                         .Start("title").Text(name).Text(": ").Number(s.Y[i], 6).End().End();
        }
        double lx = Left + 8;
        foreach (Series s in _series)
        {
            string name = HtmlText.Clip(s.Name, MaxNameChars);
            w.Start("rect").Attr("x", lx).Attr("y", 8).Attr("width", 14).Attr("height", 4).Attr("fill", s.Colour).End();
            w.Start("text").Attr("x", lx + 18).Attr("y", 14).Attr("fill", "#334155").Text(name).End();
            lx += 28 + name.Length * 6.2;
        }
        if (nonFinite > 0)
            Label(w, Left + pw, 14, "end", "#dc2626",
                string.Create(CultureInfo.InvariantCulture, $"{nonFinite} non-finite value(s) marked ×{(marked > MaxMarkedNonFinite ? $" (the first {MaxMarkedNonFinite} shown)" : "")}"));
        if (thinned || _omittedSeries > 0)
            Label(w, Left + pw, _height - 6, "end", "#64748b",
                (thinned ? $"lines thinned to at most {HtmlText.Count(MaxPointsPerSeries)} points" : "") + (thinned && _omittedSeries > 0 ? "; " : "") +
                (_omittedSeries > 0 ? $"{HtmlText.Count(_omittedSeries)} more line(s) not drawn" : ""));
        w.End();
    }

    /// <summary>A y value that can be drawn: finite, and positive on a log scale.</summary>
    private bool Drawable(double y) => double.IsFinite(y) && !(_logY && y <= 0);

    /// <summary>The ranges of the axes (log10 of the values on a log scale), y padded by 5 %.</summary>
    private (double XMin, double XMax, double YMin, double YMax) Ranges()
    {
        double xmin = double.PositiveInfinity, xmax = double.NegativeInfinity, ymin = double.PositiveInfinity, ymax = double.NegativeInfinity;
        foreach (Series s in _series)
            for (int i = 0; i < s.X.Length; i++)
            {
                if (_logX && !(s.X[i] > 0)) continue;
                xmin = Math.Min(xmin, s.X[i]); xmax = Math.Max(xmax, s.X[i]);
                if (!Drawable(s.Y[i])) continue;
                ymin = Math.Min(ymin, s.Y[i]); ymax = Math.Max(ymax, s.Y[i]);
            }
        if (!double.IsFinite(xmin)) { xmin = _logX ? 1 : 0; xmax = _logX ? 10 : 1; }
        if (_logX) { xmin = Math.Log10(xmin); xmax = Math.Log10(xmax); }
        if (xmax == xmin) xmax = xmin + 1;
        if (!double.IsFinite(ymin)) { ymin = _logY ? 0.1 : 0; ymax = 1; }
        if (_logY) { ymin = Math.Log10(ymin); ymax = Math.Log10(ymax); }
        if (ymax == ymin) { ymin -= 0.5; ymax += 0.5; }
        double pad = (ymax - ymin) * 0.05;
        return (xmin, xmax, ymin - pad, ymax + pad);
    }

    /// <summary>An axis label or note: &lt;text&gt; at (x, y) with the given anchor and colour.</summary>
    private static void Label(HtmlWriter w, double x, double y, string anchor, string fill, string text) =>
        w.Start("text").Attr("x", x).Attr("y", y).Attr("text-anchor", anchor).Attr("fill", fill).Text(text).End();

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
        var writer = new StringWriter();
        WriteSparkline(new HtmlWriter(writer), values, width, height, colour);
        return writer.ToString();
    }

    /// <summary>Writes a <see cref="Sparkline"/>.</summary>
    internal static void WriteSparkline(HtmlWriter w, IReadOnlyList<double> values, double width = 160, double height = 32, string colour = "#2563eb")
    {
        ArgumentNullException.ThrowIfNull(values);
        colour = CheckColour(colour);
        int stride = Math.Max(1, (values.Count + MaxPointsPerSeries - 1) / MaxPointsPerSeries);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        int finite = 0;
        foreach (double v in values)
            if (double.IsFinite(v)) { finite++; lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        w.BeginSvg(width, height);
        if (finite >= 2)
        {
            if (hi == lo) hi = lo + 1;
            w.Start("path").BeginAttr("d");
            bool pen = false;
            for (int i = 0; i < values.Count; i = NextPoint(i, stride, values.Count))
            {
                if (!double.IsFinite(values[i])) { pen = false; continue; }
                double x = 2 + (width - 4) * i / Math.Max(1, values.Count - 1), y = 2 + (height - 4) * (1 - (values[i] - lo) / (hi - lo));
                w.PathTo(pen ? 'L' : 'M', x, y);
                pen = true;
            }
            w.EndAttr().Attr("fill", "none").Attr("stroke", colour).Attr("stroke-width", 1.5).End();
        }
        w.End();
    }
}
