using System.Globalization;
using System.Text;
using Backprop.Interactive.Html;

namespace Backprop.Interactive.Tables;

/// <summary>How the rows of a <see cref="GradientTable"/> are ordered.</summary>
public enum GradientOrder
{
    /// <summary>Forward order: every node after the nodes it is computed from.</summary>
    Topological,
    /// <summary>Largest |grad| first.</summary>
    AbsGradDescending,
}

/// <summary>One row of a <see cref="GradientTable"/>.</summary>
/// <param name="Name">Label or op of the node.</param>
/// <param name="Op">The op ("" for a leaf).</param>
/// <param name="Kind">"input", "parameter", "constant", "op" or "output".</param>
/// <param name="Data">The forward value.</param>
/// <param name="Grad">∂output/∂node.</param>
/// <param name="Updated">For parameters, w − lr·∂L/∂w; NaN otherwise.</param>
/// <param name="Numeric">The numeric gradient when a check was supplied; NaN otherwise.</param>
/// <param name="RelativeError">Its relative error; NaN otherwise.</param>
public sealed record GradientRow(string Name, string Op, string Kind, double Data, double Grad, double Updated, double Numeric, double RelativeError);

/// <summary>
/// One row per node of a graph (or per parameter): name, op, value, gradient, the update preview
/// w − lr·∂L/∂w for parameters and, when a <see cref="GradCheckResult"/> is given, the numeric gradient
/// and its relative error.
/// </summary>
public sealed class GradientTable : HtmlView
{
    /// <summary>Rows beyond this are summarized, never rendered (keeps notebooks responsive).</summary>
    public const int DefaultMaxRows = 200;

    private readonly IReadOnlyList<GradientRow> _allRows;
    private readonly int _maxRows;
    private readonly int _totalRows;

    /// <summary>Creates a table from rows.</summary>
    /// <remarks>Every row is kept, so <see cref="SortedByGrad"/> sorts all of them before choosing the ones shown.</remarks>
    public GradientTable(IEnumerable<GradientRow> rows, double? learningRate = null, GradientOrder order = GradientOrder.Topological,
        int maxRows = DefaultMaxRows, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (maxRows < 1) throw new ArgumentException($"GradientTable: expected maxRows ≥ 1, got {maxRows}.", nameof(maxRows));
        var all = rows.ToList();
        if (order == GradientOrder.AbsGradDescending)
            all = all.OrderByDescending(r => double.IsNaN(r.Grad) ? double.PositiveInfinity : Math.Abs(r.Grad)).ToList();
        _allRows = all;
        _maxRows = maxRows;
        _totalRows = all.Count;
        Rows = all.Count <= maxRows ? all : all.GetRange(0, maxRows);
        LearningRate = learningRate;
        Order = order;
        Caption = caption;
    }

    /// <summary>Builds the table of every node of <paramref name="output"/>'s graph (or only its parameters).</summary>
    /// <param name="output">The differentiated value (run Backward first).</param>
    /// <param name="learningRate">If set, parameters get the column w − lr·∂L/∂w.</param>
    /// <param name="check">If set, leaves it covers get the numeric gradient and relative error.</param>
    /// <param name="parametersOnly">Only leaves marked as parameters.</param>
    /// <param name="order">Row order.</param>
    /// <param name="maxRows">Rows beyond this are counted, not shown.</param>
    public static GradientTable For(Value output, double? learningRate = null, GradCheckResult? check = null,
        bool parametersOnly = false, GradientOrder order = GradientOrder.Topological, int maxRows = DefaultMaxRows)
    {
        ArgumentNullException.ThrowIfNull(output);
        var numeric = new Dictionary<string, GradCheckEntry>();
        if (check is not null) foreach (GradCheckEntry e in check) numeric.TryAdd(e.Name, e);
        var rows = new List<GradientRow>();
        foreach (Value v in output.TopologicalOrder())
        {
            if (parametersOnly && !v.IsParameter) continue;
            string kind = ReferenceEquals(v, output) ? "output" : !v.IsLeaf ? "op" : v.IsConstant ? "constant" : v.IsParameter ? "parameter" : "input";
            double updated = learningRate is double lr && v.IsParameter ? v.Data - lr * v.Grad : double.NaN;
            GradCheckEntry? entry = null;
            bool hasCheck = v.IsLeaf && numeric.TryGetValue(v.DisplayName, out entry);
            rows.Add(new GradientRow(v.Label ?? (v.IsLeaf ? v.DisplayName : v.Op), v.Op, kind, v.Data, v.Grad, updated,
                hasCheck ? entry!.Numeric : double.NaN, hasCheck ? entry!.RelativeError : double.NaN));
        }
        string caption = $"Gradients of {output.DisplayName} = {HtmlText.Number(output.Data)}" +
                         (learningRate is double r ? $"; update preview with learning rate {HtmlText.Number(r)}" : "");
        return new GradientTable(rows, learningRate, order, maxRows, caption);
    }

    /// <summary>The rows shown.</summary>
    public IReadOnlyList<GradientRow> Rows { get; }

    /// <summary>The learning rate of the update preview, if any.</summary>
    public double? LearningRate { get; }

    /// <summary>The row order.</summary>
    public GradientOrder Order { get; }

    /// <summary>Text above the table.</summary>
    public string? Caption { get; }

    /// <summary>How many rows the table has in all (more than <see cref="Rows"/> when some are not shown).</summary>
    public int TotalRows => _totalRows;

    /// <summary>A copy with the largest |grad| first: all rows are sorted, then the first maxRows are shown.</summary>
    public GradientTable SortedByGrad() => new(_allRows, LearningRate, GradientOrder.AbsGradDescending, _maxRows, Caption);

    /// <inheritdoc/>
    protected override string Title => "Gradient table";

    private bool HasNumeric => Rows.Any(r => !double.IsNaN(r.Numeric));

    /// <inheritdoc/>
    public override void WriteHtml(TextWriter writer)
    {
        var w = new HtmlWriter(writer).BeginView("bp-gradients", TableWriter.Css, Caption is null ? null : HtmlText.Short(Caption));
        var columns = new List<string> { "name", "!op", "!kind", "value", "grad" };
        if (LearningRate is not null) columns.Add("w − lr·grad");
        if (HasNumeric) { columns.Add("numeric grad"); columns.Add("rel. error"); }
        w.BeginTable(columns.ToArray());
        double scale = TableWriter.Scale(Rows.Where(r => r.Kind != "output").Select(r => r.Grad));
        foreach (GradientRow r in Rows)
        {
            w.Start("tr").TextCell(r.Name).TextCell(r.Op).TextCell(r.Kind).NumberCell(r.Data).NumberCell(r.Grad, scale);
            if (LearningRate is not null)
            {
                if (double.IsNaN(r.Updated)) w.EmptyCell();
                else w.NumberCell(r.Updated);
            }
            if (HasNumeric)
            {
                if (double.IsNaN(r.Numeric)) w.EmptyCell().EmptyCell();
                else w.NumberCell(r.Numeric).ErrorCell(r.RelativeError, r.RelativeError <= 1e-5);
            }
            w.End();
        }
        w.EndTable();
        if (_totalRows > Rows.Count)
            w.Note(Rows.Count, _totalRows, "rows", Order == GradientOrder.AbsGradDescending ? "largest |grad| first" : "forward order");
        if (Rows.Count == 0) w.Element("div", "bp-note", "No rows: the graph has no nodes of the requested kind.");
        w.End();
    }

    /// <inheritdoc/>
    public override string ToText()
    {
        var sb = new StringBuilder();
        if (Caption is not null) sb.AppendLine(HtmlText.Short(Caption));
        foreach (GradientRow r in Rows)
            sb.AppendLine($"{HtmlText.Clip(r.Name, 16),-16} {r.Kind,-9} value {HtmlText.Number(r.Data, 6),12}  grad {HtmlText.Number(r.Grad, 6),12}" +
                          (double.IsNaN(r.Updated) ? "" : $"  → {HtmlText.Number(r.Updated, 6)}") +
                          (double.IsNaN(r.Numeric) ? "" : $"  numeric {HtmlText.Number(r.Numeric, 6)} (rel {r.RelativeError.ToString("0.0e+0", CultureInfo.InvariantCulture)})"));
        if (_totalRows > Rows.Count) sb.AppendLine($"… {_totalRows - Rows.Count} more rows");
        return sb.ToString().TrimEnd();
    }
}
