namespace Backprop.Data;

/// <summary>A labelled data set: one feature row and one class index per sample.</summary>
/// <param name="Features">Rows of features, all of the same length.</param>
/// <param name="Labels">Class index of each row, in [0, <see cref="ClassCount"/>).</param>
/// <param name="ClassCount">Number of classes.</param>
public sealed record ClassificationData(double[][] Features, int[] Labels, int ClassCount)
{
    /// <summary>Number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>Number of features per sample.</summary>
    public int FeatureCount => Features.Length == 0 ? 0 : Features[0].Length;
}
