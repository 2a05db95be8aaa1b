using Backprop.Explicit;
using Backprop.Interactive.Html;
using Backprop.Interactive.Tables;

namespace Backprop.Interactive.Formatting;

/// <summary>The default view of every displayable Backprop.NET object.</summary>
public static class Views
{
    /// <summary>The types that have a default view (formatters are registered for each).</summary>
    public static IReadOnlyList<Type> DisplayableTypes { get; } =
        [typeof(HtmlView), typeof(Value), typeof(Tensor), typeof(GradCheckResult), typeof(BackpropResult), typeof(Scalar.ValueMLP),
         typeof(NN.Module), typeof(Training.TrainingHistory)];

    /// <summary>The view shown for <paramref name="value"/> in a notebook, or null for other types.</summary>
    public static HtmlView? For(object? value) => value switch
    {
        HtmlView view => view,
        Value v => v.Graph(),
        Tensor t => t.View(),
        GradCheckResult r => new GradCheckTable(r),
        BackpropResult r => r.DeltaTable(),
        Scalar.ValueMLP m => ModuleView.For(m),
        NN.Module m => ModuleView.For(m),
        Training.TrainingHistory h => new Charts.LossPlot(h),
        _ => null,
    };
}
