using Backprop.Interactive.Html;

namespace Backprop.Interactive.Tables;

/// <summary>Shared markup of the tabular views: their style rules and cells, written with an <see cref="HtmlWriter"/>.</summary>
internal static class TableWriter
{
    /// <summary>The rules of <c>bp-table</c> and of the ✓/✗ marks (after the shared rules of every view).</summary>
    public const string Css =
        ".bp-table{border-collapse:collapse;font-variant-numeric:tabular-nums}" +
        ".bp-table th,.bp-table td{border-bottom:1px solid #e5e7eb;padding:3px 10px;text-align:right;white-space:nowrap}" +
        ".bp-table th{background:#f8fafc;font-weight:600}.bp-table td.bp-l,.bp-table th.bp-l{text-align:left}" +
        ".bp-ok{color:#15803d;font-weight:600}.bp-bad{color:#b91c1c;font-weight:600}";

    /// <summary>A numeric cell (its exact value as tooltip), the background coloured by sign and size when
    /// <paramref name="scale"/> &gt; 0 or the number is not finite.</summary>
    public static HtmlWriter NumberCell(this HtmlWriter w, double x, double scale = 0, int rowSpan = 1)
    {
        w.Start("td");
        if (rowSpan > 1) w.Attr("rowspan", rowSpan);
        w.Attr("title", HtmlText.Exact(x));
        if (scale > 0 || !double.IsFinite(x))
        {
            string bg = HtmlText.Diverging(x, scale);
            w.BeginAttr("style").AttrText("background:").AttrText(bg).AttrText(";color:").AttrText(HtmlText.TextOn(bg)).EndAttr();
        }
        return w.Number(x, 6).End();
    }

    /// <summary>A left-aligned text cell; text longer than <see cref="HtmlText.MaxTextChars"/> is clipped with an ellipsis.</summary>
    public static HtmlWriter TextCell(this HtmlWriter w, string? text, int rowSpan = 1)
    {
        w.Start("td", "bp-l");
        if (rowSpan > 1) w.Attr("rowspan", rowSpan);
        return w.ShortText(text).End();
    }

    /// <summary>An empty cell.</summary>
    public static HtmlWriter EmptyCell(this HtmlWriter w) => w.Start("td").End();

    /// <summary>A relative error in scientific notation ("1.2e-7"), green when small enough, red otherwise.</summary>
    public static HtmlWriter ErrorCell(this HtmlWriter w, double relativeError, bool ok) =>
        w.Start("td", ok ? "bp-ok" : "bp-bad").Number(relativeError, "0.0e+0").End();

    /// <summary>The "Showing N of M …" note under a table, as a div.</summary>
    public static HtmlWriter Note(this HtmlWriter w, int shown, long total, string what, string? detail = null) =>
        w.Element("div", "bp-note", HtmlText.ShowingNote(shown, total, what, detail));

    /// <summary>Opens a <c>bp-table</c> with its header row and opens its body. The first column and those whose
    /// name starts with '!' are left-aligned. Close with <see cref="EndTable"/>.</summary>
    public static HtmlWriter BeginTable(this HtmlWriter w, params string[] columns)
    {
        w.Start("table", "bp-table").Start("thead").Start("tr");
        for (int i = 0; i < columns.Length; i++)
        {
            string c = columns[i];
            if (i == 0 || c.StartsWith('!')) w.Element("th", "bp-l", c.TrimStart('!'));
            else w.Element("th", c);
        }
        return w.End().End().Start("tbody");
    }

    /// <summary>Closes the body and the table opened by <see cref="BeginTable"/>.</summary>
    public static HtmlWriter EndTable(this HtmlWriter w) => w.End().End();

    /// <summary>The largest finite |x|.</summary>
    public static double Scale(IEnumerable<double> values)
    {
        double scale = 0;
        foreach (double x in values) if (double.IsFinite(x)) scale = Math.Max(scale, Math.Abs(x));
        return scale;
    }
}
