namespace Backprop.Data;

/// <summary>A mini-batch: rows of a <see cref="TensorDataset"/> gathered with <see cref="Tensor.IndexSelect"/>. A batch from
/// <see cref="TensorDataset.Batches"/> or <see cref="TensorDataset.GetBatch"/> is the caller's to keep. A batch that
/// <see cref="Training.Trainer.Fit"/> hands to a callback (its loss, its metric) is valid during that call only: its tensors
/// are released after the step and its arrays are reused by the next one, so copy what you keep.</summary>
/// <param name="Features">X: [B, F…] (a leaf; needs no gradient).</param>
/// <param name="Labels">Class labels of the rows, or null for a data set with float targets.</param>
/// <param name="Targets">Float targets [B, …], or null for a labelled data set.</param>
/// <param name="Indices">The rows' positions in the data set.</param>
public sealed record Batch(Tensor Features, int[]? Labels, Tensor? Targets, int[] Indices)
{
    /// <summary>The number of samples B.</summary>
    public int Count => Indices.Length;
}
