using System.Globalization;
using Backprop.Interactive.Html;

namespace Backprop.Interactive.Tables;

/// <summary>One row of a <see cref="ModuleView"/>.</summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Kind">Its type (Linear, ReLU, Layer, …).</param>
/// <param name="Shape">Inputs → outputs, or the weight shape.</param>
/// <param name="Parameters">Trainable numbers it owns.</param>
/// <param name="Activation">Its activation, if any.</param>
public sealed record ModuleRow(string Name, string Kind, string Shape, long Parameters, string Activation);

/// <summary>A network's architecture: one row per layer with its shape, parameter count and activation, and the totals.</summary>
public sealed class ModuleView : HtmlView
{
    /// <summary>The most rows shown; the others are counted (and in the total).</summary>
    public const int MaxShownRows = 200;

    /// <summary>Creates the view from rows.</summary>
    public ModuleView(string title, IEnumerable<ModuleRow> rows)
    {
        Heading = title;
        Rows = rows.ToList();
    }

    /// <summary>The architecture of a scalar <see cref="Scalar.ValueMLP"/>.</summary>
    public static ModuleView For(Scalar.ValueMLP mlp)
    {
        ArgumentNullException.ThrowIfNull(mlp);
        return new ModuleView(mlp.ToString(), mlp.Layers.Select(l =>
            new ModuleRow(l.Name, "Layer", $"{l.InputCount} → {l.OutputCount}", l.ParameterCount, l.Neurons[0].Activation.ToString())));
    }

    /// <summary>The architecture of a tensor <see cref="NN.Module"/>: one row per leaf module, in order.</summary>
    public static ModuleView For(NN.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var rows = new List<ModuleRow>();
        void Visit(string path, NN.Module m)
        {
            var children = m.NamedChildren().ToList();
            long own = m.OwnParameters().Sum(p => (long)p.Parameter.ElementCount);
            if (children.Count == 0 || own > 0) rows.Add(Row(path, m, own));
            foreach (var (name, child) in children) Visit(path.Length == 0 ? name : $"{path}.{name}", child);
        }
        Visit("", module);
        string heading = $"{module.GetType().Name}: {HtmlText.Count(module.ParameterCount)} parameters, {(module.IsTraining ? "training" : "evaluation")} mode";
        return new ModuleView(heading, rows);
    }

    private static ModuleRow Row(string path, NN.Module m, long parameters)
    {
        string kind = m.GetType().Name;
        return m switch
        {
            NN.Linear l => new ModuleRow(path, kind, $"{l.InFeatures} → {l.OutFeatures}", parameters,
                l.Activation == Activation.Identity ? "" : l.Activation.ToString()),
            NN.Dropout d => new ModuleRow(path, kind, string.Create(CultureInfo.InvariantCulture, $"p = {d.P}"), parameters, ""),
            NN.BatchNorm1d b => new ModuleRow(path, kind, $"{b.NumFeatures} features", parameters, ""),
            NN.LayerNorm l => new ModuleRow(path, kind, $"{l.NormalizedShape} features", parameters, ""),
            _ => new ModuleRow(path.Length == 0 ? kind : path, kind, "", parameters, parameters == 0 ? kind : ""),
        };
    }

    /// <summary>The heading.</summary>
    public string Heading { get; }

    /// <summary>The rows.</summary>
    public IReadOnlyList<ModuleRow> Rows { get; }

    /// <summary>Σ parameters.</summary>
    public long TotalParameters => Rows.Sum(r => r.Parameters);

    /// <inheritdoc/>
    protected override string Title => "Model";

    /// <inheritdoc/>
    public override void WriteHtml(TextWriter writer)
    {
        var w = new HtmlWriter(writer).BeginView("bp-module", TableWriter.Css);
        w.Start("div", "bp-caption").Element("b", HtmlText.Short(Heading)).End();
        w.BeginTable("layer", "!type", "!shape", "parameters", "!activation");
        foreach (ModuleRow r in Rows.Take(MaxShownRows))
            w.Start("tr").TextCell(r.Name).TextCell(r.Kind).TextCell(r.Shape).Start("td").Count(r.Parameters).End().TextCell(r.Activation).End();
        w.Start("tr").Start("th", "bp-l").Attr("colspan", 3).Text("total").End().Start("th").Count(TotalParameters).End().Start("th").End().End();
        w.EndTable();
        if (Rows.Count > MaxShownRows) w.Note(MaxShownRows, Rows.Count, "layers", "the total counts all");
        w.End();
    }

    /// <inheritdoc/>
    public override string ToText() =>
        HtmlText.Short(Heading) + "\n" +
        string.Join("\n", Rows.Take(MaxShownRows).Select(r => $"  {HtmlText.Short(r.Name),-10} {HtmlText.Short(r.Kind),-10} {r.Shape,-14} {HtmlText.Count(r.Parameters),10}  {r.Activation}")) +
        (Rows.Count > MaxShownRows ? $"\n  … {HtmlText.Count(Rows.Count - MaxShownRows)} more layers" : "") +
        $"\n  total {HtmlText.Count(TotalParameters)} parameters";
}
