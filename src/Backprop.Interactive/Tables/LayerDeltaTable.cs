using System.Text;
using Backprop.Explicit;
using Backprop.Interactive.Html;

namespace Backprop.Interactive.Tables;

/// <summary>
/// The explicit backprop of a <see cref="DenseNetwork"/> (notes 000, 002, 004), layer by layer from the
/// loss back to the input: preactivation z, activation a, δ = ∂L/∂z, ∂L/∂W = δ·aˡ⁻¹ᵀ, ∂L/∂b = δ and the
/// gradient ∂L/∂aˡ⁻¹ = Wᵀδ passed back — each vector and matrix as a coloured grid.
/// </summary>
public sealed class LayerDeltaTable : HtmlView
{
    private const int MaxCells = 16;

    /// <summary>The most layers shown (the ones nearest the loss); the others are counted.</summary>
    public const int MaxShownLayers = 50;
    private readonly BackpropResult _result;

    /// <summary>Creates the table for one sample's backprop.</summary>
    public LayerDeltaTable(BackpropResult result) => _result = result ?? throw new ArgumentNullException(nameof(result));

    /// <inheritdoc/>
    protected override string Title => "Layer δ table";

    /// <inheritdoc/>
    public override void WriteHtml(TextWriter writer)
    {
        var w = new HtmlWriter(writer).BeginView("bp-deltas", TableWriter.Css + Css);
        w.Start("div", "bp-caption").Text("Backprop by the δ equations, from the loss (L = ").Number(_result.Loss, 6)
         .Text(") back to the input: δᴸ from the loss, then δˡ = (Wˡ⁺¹ᵀδˡ⁺¹) ⊙ f′(zˡ), ∂L/∂Wˡ = δˡ aˡ⁻¹ᵀ, ∂L/∂bˡ = δˡ.").End();
        w.BeginTable("layer", "!f", "!z (preactivation)", "!a (activation)", "!δ = ∂L/∂z", "!∂L/∂W", "!∂L/∂b", "!∂L/∂a passed back");
        int last = Math.Max(0, _result.Layers.Count - MaxShownLayers);
        for (int l = _result.Layers.Count - 1; l >= last; l--)
        {
            LayerBackprop layer = _result.Layers[l];
            w.Start("tr").Start("td", "bp-l").Text(layer.Index).End().TextCell(layer.Function.ToString());
            Vector(w, layer.Preactivation);
            Vector(w, layer.Activation);
            Vector(w, layer.Delta);
            Matrix(w, layer.WeightGradient);
            Vector(w, layer.BiasGradient);
            Vector(w, layer.InputGradient);
            w.End();
        }
        w.EndTable();
        if (last > 0) w.Note(_result.Layers.Count - last, _result.Layers.Count, "layers", "those nearest the loss");
        w.End();
    }

    private const string Css =
        ".bp-vec{border-collapse:collapse;font-size:11px;font-variant-numeric:tabular-nums}.bp-vec td{padding:1px 5px;border:1px solid #f1f5f9;text-align:right}" +
        ".bp-deltas .bp-table td{vertical-align:top}";

    /// <summary>A cell holding the first <see cref="MaxCells"/> entries of <paramref name="v"/> as a one-row grid.</summary>
    private static void Vector(HtmlWriter w, double[] v)
    {
        double scale = TableWriter.Scale(v);
        w.Start("td").Start("table", "bp-vec").Start("tr");
        for (int i = 0; i < Math.Min(v.Length, MaxCells); i++) w.NumberCell(v[i], scale > 0 ? scale : 1);
        if (v.Length > MaxCells) w.Start("td").Text("… ").Text(v.Length - MaxCells).Text(" more").End();
        w.End().End().End();
    }

    /// <summary>A cell holding the first <see cref="MaxCells"/> rows and columns of <paramref name="m"/> as a grid.</summary>
    private static void Matrix(HtmlWriter w, double[,] m)
    {
        int rows = m.GetLength(0), columns = m.GetLength(1);
        double scale = 0;
        foreach (double x in m) if (double.IsFinite(x)) scale = Math.Max(scale, Math.Abs(x));
        w.Start("td").Start("table", "bp-vec");
        for (int r = 0; r < Math.Min(rows, MaxCells); r++)
        {
            w.Start("tr");
            for (int c = 0; c < Math.Min(columns, MaxCells); c++) w.NumberCell(m[r, c], scale > 0 ? scale : 1);
            if (columns > MaxCells) w.Element("td", "…");
            w.End();
        }
        if (rows > MaxCells) w.Start("tr").Start("td").Text("⋮ ").Text(rows - MaxCells).Text(" more rows").End().End();
        w.End().End();
    }

    /// <inheritdoc/>
    public override string ToText()
    {
        var sb = new StringBuilder($"Layer δ table (loss {HtmlText.Number(_result.Loss, 6)}):\n");
        for (int l = _result.Layers.Count - 1; l >= Math.Max(0, _result.Layers.Count - MaxShownLayers); l--)
        {
            LayerBackprop layer = _result.Layers[l];
            sb.AppendLine($"  layer {layer.Index} ({layer.Function}): δ = [{string.Join(", ", layer.Delta.Take(MaxCells).Select(d => HtmlText.Number(d, 6)))}]");
        }
        return sb.ToString().TrimEnd();
    }
}
