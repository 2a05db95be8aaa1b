using Backprop.Interactive.Html;

namespace Backprop.Interactive.Tables;

/// <summary>A <see cref="GradCheckResult"/> as a table: analytic and numeric gradient and their error per input.</summary>
public sealed class GradCheckTable(GradCheckResult result) : HtmlView
{
    private readonly GradCheckResult _result = result ?? throw new ArgumentNullException(nameof(result));

    /// <inheritdoc/>
    protected override string Title => "Gradient check";

    /// <inheritdoc/>
    public override void WriteHtml(TextWriter writer)
    {
        bool passed = _result.Passed();
        var w = new HtmlWriter(writer).BeginView("bp-gradcheck", TableWriter.Css);
        w.Start("div", "bp-caption").Text("Backprop against central finite differences: ")
         .Element("span", passed ? "bp-ok" : "bp-bad", passed ? "all agree ✓" : "disagreement ✗")
         .Text(" (largest relative error ").Number(_result.MaxRelativeError, "0.0e+0").Text(")").End();
        w.BeginTable("input", "value", "analytic (backprop)", "numeric", "rel. error");
        foreach (GradCheckEntry e in _result.Take(GradientTable.DefaultMaxRows))
        {
            w.Start("tr").TextCell(e.Name).NumberCell(e.Input).NumberCell(e.Analytic).NumberCell(e.Numeric)
             .ErrorCell(e.RelativeError, e.IsClose()).End();
        }
        w.EndTable();
        if (_result.Count > GradientTable.DefaultMaxRows) w.Note(GradientTable.DefaultMaxRows, _result.Count, "inputs");
        w.End();
    }

    /// <inheritdoc/>
    public override string ToText() => HtmlText.Clip(_result.ToString(), MaxTextChars);

    private const int MaxTextChars = 20_000;
}
