using Backprop.Data;
using Backprop.Interactive.Charts;
using Backprop.Interactive.Tables;
using Backprop.Training;

namespace Backprop.Interactive;

/// <summary>Views of models and training: <c>history.Plot()</c>, <c>model.Summary()</c>, <c>model.DecisionBoundary(data)</c>.</summary>
public static class TrainingViews
{
    /// <summary>The loss (and metric) curves of a training run.</summary>
    public static LossPlot Plot(this TrainingHistory history, bool logScale = false, double smoothing = 0.9) => new(history, logScale, smoothing);

    /// <summary>The architecture table of a tensor model.</summary>
    public static ModuleView Summary(this NN.Module model) => ModuleView.For(model);

    /// <summary>The architecture table of a scalar MLP.</summary>
    public static ModuleView Summary(this Scalar.ValueMLP model) => ModuleView.For(model);

    /// <summary>The decision regions of a 2-D classifier with the data on top.</summary>
    public static DecisionBoundary DecisionBoundary(this NN.Module model, ClassificationData data, int resolution = 80) =>
        Charts.DecisionBoundary.For(model, data, resolution);

    /// <summary>The decision regions of a one-output scalar MLP (class 1 where its score is positive).</summary>
    public static DecisionBoundary DecisionBoundary(this Scalar.ValueMLP model, ClassificationData data, int resolution = 60) =>
        Charts.DecisionBoundary.For(model, data, resolution);
}
