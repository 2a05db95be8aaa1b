using Backprop.Interactive.Html;

namespace Backprop.Interactive.Tables;

/// <summary>Shared markup of the tabular views.</summary>
internal static class TableWriter
{
    public const string Styles =
        "<style>" + ViewStyle.Base +
        ".bp-table{border-collapse:collapse;font-variant-numeric:tabular-nums}" +
        ".bp-table th,.bp-table td{border-bottom:1px solid #e5e7eb;padding:3px 10px;text-align:right;white-space:nowrap}" +
        ".bp-table th{background:#f8fafc;font-weight:600}.bp-table td.bp-l,.bp-table th.bp-l{text-align:left}" +
        ".bp-ok{color:#15803d;font-weight:600}.bp-bad{color:#b91c1c;font-weight:600}.bp-note{color:#64748b;font-size:12px;margin-top:4px}</style>";

    /// <summary>A numeric cell, its background coloured by sign and size when <paramref name="scale"/> &gt; 0.</summary>
    public static string NumberCell(double x, double scale = 0)
    {
        string title = HtmlText.Escape(HtmlText.Exact(x));
        if (scale <= 0 && double.IsFinite(x)) return $"<td title=\"{title}\">{HtmlText.Number(x, 6)}</td>";
        string bg = HtmlText.Diverging(x, scale);
        return $"<td title=\"{title}\" style=\"background:{bg};color:{HtmlText.TextOn(bg)}\">{HtmlText.Number(x, 6)}</td>";
    }

    /// <summary>A left-aligned text cell; text longer than <see cref="HtmlText.MaxTextChars"/> is clipped with an ellipsis.</summary>
    public static string TextCell(string? text) => $"<td class=\"bp-l\">{HtmlText.Escape(HtmlText.Short(text))}</td>";

    /// <summary>The "Showing N of M …" note under a table, as a div.</summary>
    public static string Note(int shown, long total, string what, string? detail = null) =>
        $"<div class=\"bp-note\">{HtmlText.Escape(HtmlText.ShowingNote(shown, total, what, detail))}</div>";

    public static string Header(params string[] columns) =>
        "<thead><tr>" + string.Concat(columns.Select((c, i) => i == 0 || c.StartsWith('!') ? $"<th class=\"bp-l\">{HtmlText.Escape(c.TrimStart('!'))}</th>" : $"<th>{HtmlText.Escape(c)}</th>")) + "</tr></thead>";

    /// <summary>The largest finite |x|.</summary>
    public static double Scale(IEnumerable<double> values)
    {
        double scale = 0;
        foreach (double x in values) if (double.IsFinite(x)) scale = Math.Max(scale, Math.Abs(x));
        return scale;
    }
}
