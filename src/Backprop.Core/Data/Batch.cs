namespace Backprop.Data;

/// <summary>A mini-batch: rows of a <see cref="TensorDataset"/> gathered with <see cref="Tensor.IndexSelect"/>.</summary>
/// <param name="Features">X: [B, F…] (a leaf; needs no gradient).</param>
/// <param name="Labels">Class labels of the rows, or null for a data set with float targets.</param>
/// <param name="Targets">Float targets [B, …], or null for a labelled data set.</param>
/// <param name="Indices">The rows' positions in the data set.</param>
public sealed record Batch(Tensor Features, int[]? Labels, Tensor? Targets, int[] Indices)
{
    /// <summary>The number of samples B.</summary>
    public int Count => Indices.Length;
}
