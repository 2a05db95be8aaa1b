using Backprop.Interactive.Graphs;

namespace Backprop.Interactive;

/// <summary>Views of a <see cref="Tensor"/>: <c>t.View()</c>, <c>loss.Graph()</c>.</summary>
public static class TensorViews
{
    /// <summary>The computation graph of <paramref name="output"/> (run <c>Backward(retainAllGrads: true)</c> to see every gradient).</summary>
    public static GraphView Graph(this Tensor output, GraphOptions? options = null) =>
        new(TensorGraph.Build(output, options), options);

    /// <summary>The tensor's values (and gradient) as a coloured grid with summary statistics.</summary>
    public static Tables.TensorView View(this Tensor tensor, int maxRows = Tables.TensorView.DefaultMaxRows, int maxColumns = Tables.TensorView.DefaultMaxColumns) =>
        new(tensor, maxRows, maxColumns);
}
