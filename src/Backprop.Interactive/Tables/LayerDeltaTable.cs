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
    public override void WriteHtml(TextWriter w)
    {
        var sb = new StringBuilder("<div class=\"bp-view bp-deltas\">").Append(TableWriter.Styles)
            .Append("<style>.bp-vec{border-collapse:collapse;font-size:11px;font-variant-numeric:tabular-nums}.bp-vec td{padding:1px 5px;border:1px solid #f1f5f9;text-align:right}")
            .Append(".bp-deltas .bp-table td{vertical-align:top}</style>");
        sb.Append("<div class=\"bp-caption\">Backprop by the δ equations, from the loss (L = ").Append(HtmlText.Number(_result.Loss, 6))
          .Append(") back to the input: δᴸ from the loss, then δˡ = (Wˡ⁺¹ᵀδˡ⁺¹) ⊙ f′(zˡ), ∂L/∂Wˡ = δˡ aˡ⁻¹ᵀ, ∂L/∂bˡ = δˡ.</div>");
        sb.Append("<table class=\"bp-table\">").Append(TableWriter.Header("layer", "!f", "!z (preactivation)", "!a (activation)", "!δ = ∂L/∂z", "!∂L/∂W", "!∂L/∂b", "!∂L/∂a passed back")).Append("<tbody>");
        int last = Math.Max(0, _result.Layers.Count - MaxShownLayers);
        for (int l = _result.Layers.Count - 1; l >= last; l--)
        {
            LayerBackprop layer = _result.Layers[l];
            sb.Append("<tr><td class=\"bp-l\">").Append(layer.Index).Append("</td>").Append(TableWriter.TextCell(layer.Function.ToString()))
              .Append("<td>").Append(Vector(layer.Preactivation)).Append("</td><td>").Append(Vector(layer.Activation)).Append("</td><td>")
              .Append(Vector(layer.Delta)).Append("</td><td>").Append(Matrix(layer.WeightGradient)).Append("</td><td>")
              .Append(Vector(layer.BiasGradient)).Append("</td><td>").Append(Vector(layer.InputGradient)).Append("</td></tr>");
        }
        sb.Append("</tbody></table>");
        if (last > 0) sb.Append(TableWriter.Note(_result.Layers.Count - last, _result.Layers.Count, "layers", "those nearest the loss"));
        w.Write(sb.Append("</div>").ToString());
    }

    private static string Vector(double[] v)
    {
        double scale = TableWriter.Scale(v);
        var sb = new StringBuilder("<table class=\"bp-vec\"><tr>");
        for (int i = 0; i < Math.Min(v.Length, MaxCells); i++) sb.Append(TableWriter.NumberCell(v[i], scale > 0 ? scale : 1));
        if (v.Length > MaxCells) sb.Append("<td>… ").Append(v.Length - MaxCells).Append(" more</td>");
        return sb.Append("</tr></table>").ToString();
    }

    private static string Matrix(double[,] m)
    {
        int rows = m.GetLength(0), columns = m.GetLength(1);
        double scale = 0;
        foreach (double x in m) if (double.IsFinite(x)) scale = Math.Max(scale, Math.Abs(x));
        var sb = new StringBuilder("<table class=\"bp-vec\">");
        for (int r = 0; r < Math.Min(rows, MaxCells); r++)
        {
            sb.Append("<tr>");
            for (int c = 0; c < Math.Min(columns, MaxCells); c++) sb.Append(TableWriter.NumberCell(m[r, c], scale > 0 ? scale : 1));
            if (columns > MaxCells) sb.Append("<td>…</td>");
            sb.Append("</tr>");
        }
        if (rows > MaxCells) sb.Append("<tr><td>⋮ ").Append(rows - MaxCells).Append(" more rows</td></tr>");
        return sb.Append("</table>").ToString();
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
