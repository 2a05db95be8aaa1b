using System.Text;
using Backprop.Interactive.Html;

namespace Backprop.Interactive.Tables;

/// <summary>A <see cref="GradCheckResult"/> as a table: analytic and numeric gradient and their error per input.</summary>
public sealed class GradCheckTable(GradCheckResult result) : HtmlView
{
    private readonly GradCheckResult _result = result ?? throw new ArgumentNullException(nameof(result));

    /// <inheritdoc/>
    protected override string Title => "Gradient check";

    /// <inheritdoc/>
    public override void WriteHtml(TextWriter w)
    {
        bool passed = _result.Passed();
        var sb = new StringBuilder("<div class=\"bp-view bp-gradcheck\">").Append(TableWriter.Styles);
        sb.Append("<div class=\"bp-caption\">Backprop against central finite differences: ")
          .Append(passed ? "<span class=\"bp-ok\">all agree ✓</span>" : "<span class=\"bp-bad\">disagreement ✗</span>")
          .Append(" (largest relative error ").Append(_result.MaxRelativeError.ToString("0.0e+0")).Append(")</div>");
        sb.Append("<table class=\"bp-table\">").Append(TableWriter.Header("input", "value", "analytic (backprop)", "numeric", "rel. error")).Append("<tbody>");
        foreach (GradCheckEntry e in _result.Take(GradientTable.DefaultMaxRows))
        {
            string cls = e.IsClose() ? "bp-ok" : "bp-bad";
            sb.Append("<tr>").Append(TableWriter.TextCell(e.Name)).Append(TableWriter.NumberCell(e.Input)).Append(TableWriter.NumberCell(e.Analytic))
              .Append(TableWriter.NumberCell(e.Numeric)).Append($"<td class=\"{cls}\">{e.RelativeError:0.0e+0}</td></tr>");
        }
        sb.Append("</tbody></table>");
        if (_result.Count > GradientTable.DefaultMaxRows)
            sb.Append(TableWriter.Note(GradientTable.DefaultMaxRows, _result.Count, "inputs"));
        sb.Append("</div>");
        w.Write(sb.ToString());
    }

    /// <inheritdoc/>
    public override string ToText() => HtmlText.Clip(_result.ToString(), MaxTextChars);

    private const int MaxTextChars = 20_000;
}
