using System.Globalization;

namespace Backprop.Interactive.Html;

/// <summary>Small helpers every view uses: escaping, number formatting and colour scales.</summary>
public static class HtmlText
{
    /// <summary>HTML-escapes text as <see cref="HtmlWriter.Text(string?)"/> does (labels come from users: a label
    /// "&lt;script&gt;" is shown, never run).</summary>
    public static string Escape(string? text)
    {
        var writer = new StringWriter();
        new HtmlWriter(writer).Text(text);
        return writer.ToString();
    }

    /// <summary>A compact, culture-independent number: 4 significant digits, NaN and ±∞ spelled out.</summary>
    public static string Number(double x, int digits = 4)
    {
        if (double.IsNaN(x)) return "NaN";
        if (double.IsPositiveInfinity(x)) return "+∞";
        if (double.IsNegativeInfinity(x)) return "−∞";
        if (x == 0) return "0";
        string s = x.ToString("G" + digits, CultureInfo.InvariantCulture);
        return s.Replace("E+0", "e").Replace("E-0", "e-").Replace("E+", "e").Replace("E-", "e-");
    }

    /// <summary>A number with full round-trip precision, for tooltips and tables.</summary>
    public static string Exact(double x) =>
        double.IsFinite(x) ? x.ToString("R", CultureInfo.InvariantCulture) : Number(x);

    /// <summary>Invariant formatting of a coordinate.</summary>
    public static string Px(double x) => Math.Round(x, 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A diverging colour for a signed quantity: blue for positive, red for negative, white at zero,
    /// saturating at |<paramref name="x"/>| = <paramref name="scale"/>; NaN and ∞ are magenta so they stand out.
    /// </summary>
    public static string Diverging(double x, double scale)
    {
        if (!double.IsFinite(x)) return "#e040fb";
        double t = scale > 0 ? Math.Clamp(Math.Abs(x) / scale, 0, 1) : 0;
        // Interpolate from white to the end colour.
        (int r, int g, int b) end = x >= 0 ? (33, 102, 172) : (178, 24, 43);
        int R = (int)Math.Round(255 + (end.r - 255) * t);
        int G = (int)Math.Round(255 + (end.g - 255) * t);
        int B = (int)Math.Round(255 + (end.b - 255) * t);
        return $"#{R:x2}{G:x2}{B:x2}";
    }

    /// <summary>Black or white text, whichever reads better on <paramref name="background"/> (#rrggbb).</summary>
    public static string TextOn(string background)
    {
        if (background.Length != 7) return "#000";
        int r = Convert.ToInt32(background[1..3], 16), g = Convert.ToInt32(background[3..5], 16), b = Convert.ToInt32(background[5..7], 16);
        return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? "#111" : "#fff";
    }

    /// <summary>The most characters of one label, name or caption a view writes; longer ones end in an ellipsis.</summary>
    public const int MaxTextChars = 200;

    /// <summary>Truncates text to <paramref name="max"/> characters with an ellipsis (never splitting a surrogate pair).</summary>
    public static string Clip(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= max) return text;
        int keep = Math.Max(0, max - 1);
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1])) keep--;
        return text[..keep] + "…";
    }

    /// <summary>A label, name or caption as displayed: at most <see cref="MaxTextChars"/> characters, so a huge label
    /// cannot make a page huge (the view's text still says what the value is).</summary>
    public static string Short(string? text) => Clip(text ?? "", MaxTextChars);

    /// <summary>"Showing 200 of 1,000 rows (…)." — the note a view adds when it leaves something out.</summary>
    public static string ShowingNote(int shown, long total, string what, string? detail = null) =>
        string.Create(CultureInfo.InvariantCulture, $"Showing {shown:N0} of {total:N0} {what}{(detail is null ? "" : $" ({detail})")}.");

    /// <summary>An integer with thousands separators ("1,234"), in any culture.</summary>
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A whole number held in a double (such as a count of paths, which can exceed any integer type), with
    /// thousands separators, in any culture.</summary>
    public static string Count(double n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A fraction as a percentage ("95.0 %" for 0.95 with one decimal), in any culture.</summary>
    public static string Percent(double fraction, int decimals = 1) => fraction.ToString("P" + decimals, CultureInfo.InvariantCulture);
}
