using Backprop.Interactive.Graphs;
using Backprop.Interactive.Html;

namespace Backprop.Interactive.Tables;

/// <summary>
/// A tensor as a grid of numbers coloured on a diverging scale (blue positive, red negative, magenta
/// NaN/∞), its gradient beside it when present, with shape, dtype, requires-grad and summary statistics.
/// Large tensors are elided NumPy-style: the first and last rows and columns, with ⋮ and … between.
/// </summary>
public sealed class TensorView : HtmlView
{
    /// <summary>Default rows shown per 2-D slice.</summary>
    public const int DefaultMaxRows = 12;
    /// <summary>Default columns shown.</summary>
    public const int DefaultMaxColumns = 12;
    /// <summary>2-D slices shown for tensors of rank 3 and more.</summary>
    public const int MaxSlices = 4;
    /// <summary>The most rows or columns shown per slice, whatever is asked (the page stays small).</summary>
    public const int MaxShown = 100;

    private readonly Tensor _tensor;
    private readonly int _maxRows, _maxColumns;

    /// <summary>Creates the view.</summary>
    public TensorView(Tensor tensor, int maxRows = DefaultMaxRows, int maxColumns = DefaultMaxColumns)
    {
        _tensor = tensor ?? throw new ArgumentNullException(nameof(tensor));
        if (maxRows < 2 || maxColumns < 2) throw new ArgumentException($"TensorView: expected at least 2 rows and columns, got {maxRows}×{maxColumns}.");
        _maxRows = Math.Min(maxRows, MaxShown);
        _maxColumns = Math.Min(maxColumns, MaxShown);
    }

    /// <inheritdoc/>
    protected override string Title => "Tensor " + TensorGraph.Shape(_tensor);

    private string Header()
    {
        var t = _tensor;
        string name = t.Label is null ? "tensor" : HtmlText.Short(t.Label);
        return $"{name} {TensorGraph.Shape(t)} {t.DType.ToString().ToLowerInvariant()}" +
               (t.RequiresGrad ? ", requires grad" : "") + (t.IsLeaf ? "" : $", op {HtmlText.Short(t.Op)}");
    }

    /// <inheritdoc/>
    public override void WriteHtml(TextWriter writer)
    {
        var w = new HtmlWriter(writer).BeginView("bp-tensor", TableWriter.Css + Css);
        w.Start("div", "bp-caption").Element("b", Header()).End();
        if (_tensor.ElementCount == 0)
        {
            w.Element("div", "bp-note", "Empty tensor: no elements to show.").End();
            return;
        }
        Tensor? grad = _tensor.Grad;
        w.Start("div", "bp-pair");
        Grid(w, "values — ", _tensor);
        if (grad is not null) Grid(w, "grad — ", grad);
        w.End().End();
    }

    private const string Css =
        ".bp-grid{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:12px}.bp-grid td{padding:2px 6px;text-align:right;border:1px solid #f1f5f9;min-width:3em}" +
        ".bp-grid td.bp-e{color:#94a3b8;text-align:center;background:#fff}.bp-pair{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}.bp-sub{font-size:12px;color:#475569;margin:4px 0}";

    /// <summary>A titled block: the statistics of <paramref name="t"/>, then its elements as grids.</summary>
    private void Grid(HtmlWriter w, string title, Tensor t)
    {
        w.Start("div").Element("div", "bp-sub", title + TensorStats.Of(t));
        WriteGrids(w, t.ToArray());
        w.End();
    }

    private void WriteGrids(HtmlWriter w, double[] values)
    {
        double scale = TableWriter.Scale(values);
        IReadOnlyList<int> shape = _tensor.Shape;
        int columns = shape.Count == 0 ? 1 : shape[^1];
        int rows = shape.Count <= 1 ? 1 : shape[^2];
        int slices = rows * columns == 0 ? 0 : values.Length / (rows * columns);
        foreach (int s in Elide(slices, MaxSlices))
        {
            if (shape.Count > 2) w.Element("div", "bp-sub", s < 0 ? "⋮" : HtmlText.Short($"[{SliceIndex(s)}, :, :]"));
            if (s < 0) continue;
            w.Start("table", "bp-grid").Start("tbody");
            foreach (int r in Elide(rows, _maxRows))
            {
                w.Start("tr");
                foreach (int c in Elide(columns, _maxColumns))
                {
                    if (r < 0) w.Element("td", "bp-e", c < 0 ? "⋱" : "⋮");
                    else if (c < 0) w.Element("td", "bp-e", "…");
                    else w.NumberCell(values[(s * rows + r) * columns + c], scale > 0 ? scale : 1);
                }
                w.End();
            }
            w.End().End();
        }
    }

    private string SliceIndex(int s)
    {
        var shape = _tensor.Shape;
        var idx = new int[shape.Count - 2];
        for (int d = idx.Length - 1; d >= 0; d--) { idx[d] = s % shape[d]; s /= shape[d]; }
        return string.Join(", ", idx);
    }

    /// <summary>0..n−1, or the first and last halves of <paramref name="max"/> with −1 marking the gap.</summary>
    private static IEnumerable<int> Elide(int n, int max)
    {
        if (n <= max) { for (int i = 0; i < n; i++) yield return i; yield break; }
        int head = max / 2, tail = max - head;
        for (int i = 0; i < head; i++) yield return i;
        yield return -1;
        for (int i = n - tail; i < n; i++) yield return i;
    }

    /// <inheritdoc/>
    public override string ToText()
    {
        var s = Header();
        if (_tensor.ElementCount == 0) return s + ": empty";
        s += "\n  values: " + TensorStats.Of(_tensor);
        if (_tensor.Grad is Tensor g) s += "\n  grad:   " + TensorStats.Of(g);
        return s;
    }
}
