namespace Backprop.Data;

/// <summary>
/// Samples held as tensors: features X [N, F…] plus either integer class labels (N) or float targets [N, …].
/// Hands out seeded, shuffled mini-batches.
/// </summary>
public sealed class TensorDataset
{
    /// <summary>A labelled data set.</summary>
    /// <param name="features">X: [N, F…].</param>
    /// <param name="labels">One class index per row (copied).</param>
    /// <exception cref="ShapeMismatchException">The row counts differ.</exception>
    public TensorDataset(Tensor features, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        CheckRows(features, labels.Length, "labels");
        Features = features.KeepBeyondScopes(); // a data set outlives every TensorScope
        Labels = (int[])labels.Clone();
    }

    /// <summary>A data set with float targets (regression, or soft / one-hot targets).</summary>
    /// <param name="features">X: [N, F…].</param>
    /// <param name="targets">Y: [N, …], same dtype as X.</param>
    /// <exception cref="ShapeMismatchException">The row counts differ.</exception>
    public TensorDataset(Tensor features, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Rank == 0) throw new ShapeMismatchException("TensorDataset", features.Shape, targets.Shape,
            $"TensorDataset: targets of shape {Shapes.Format(targets.Shape)} have no rows; expected [N, …] for features {Shapes.Format(features.Shape)}.");
        CheckRows(features, targets.Shape[0], "targets");
        Shapes.CheckSameDType("TensorDataset", features, targets);
        Features = features.KeepBeyondScopes();
        Targets = targets.KeepBeyondScopes();
    }

    private static void CheckRows(Tensor features, int rows, string what)
    {
        if (features.Rank == 0 || features.Shape[0] != rows)
            throw new ShapeMismatchException("TensorDataset", features.Shape, [rows],
                $"TensorDataset: features of shape {Shapes.Format(features.Shape)} and {rows} {what}; expected one feature row per sample ([{rows}, …]).");
    }

    /// <summary>The features of a <see cref="ClassificationData"/> as X [N, F] in <paramref name="dtype"/>, with its labels.</summary>
    /// <exception cref="ArgumentException">Rows of different lengths, or labels outside [0, ClassCount).</exception>
    public static TensorDataset FromClassification(ClassificationData data, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = data.Count, f = data.FeatureCount;
        if (data.Features.Length != n)
            throw new ArgumentException($"TensorDataset.FromClassification: {data.Features.Length} feature rows but {n} labels.");
        var flat = new double[n * f];
        for (int i = 0; i < n; i++)
        {
            double[] row = data.Features[i] ?? throw new ArgumentException($"TensorDataset.FromClassification: row {i} is null.");
            if (row.Length != f)
                throw new ArgumentException($"TensorDataset.FromClassification: row {i} has {row.Length} features; expected {f} like row 0.");
            row.CopyTo(flat, i * f);
            if ((uint)data.Labels[i] >= (uint)data.ClassCount)
                throw new ArgumentException($"TensorDataset.FromClassification: label {data.Labels[i]} of row {i} is outside [0, {data.ClassCount - 1}].");
        }
        return new TensorDataset(Tensor.FromArray(flat, [n, f], dtype), data.Labels) { ClassCount = data.ClassCount };
    }

    /// <summary>Images as X [N, rows·columns] (pixels in [0, 1]) with their labels, e.g. Fashion-MNIST.</summary>
    public static TensorDataset FromImages(ImageClassificationData images, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(images);
        Tensor features = dtype == DType.Float32
            ? Tensor.FromArray(images.Pixels, images.Count, images.PixelsPerImage)
            : Tensor.FromArray(images.Pixels, images.Count, images.PixelsPerImage).To(DType.Float64);
        return new TensorDataset(features, images.Labels) { ClassCount = images.ClassCount };
    }

    /// <summary>X: [N, F…].</summary>
    public Tensor Features { get; }

    /// <summary>Class labels, or null when the data set has float <see cref="Targets"/>.</summary>
    public int[]? Labels { get; }

    /// <summary>Float targets, or null when the data set has <see cref="Labels"/>.</summary>
    public Tensor? Targets { get; }

    /// <summary>The number of classes when known (from <see cref="ClassificationData"/>), else 0.</summary>
    public int ClassCount { get; init; }

    /// <summary>N, the number of samples.</summary>
    public int Count => Features.Shape[0];

    /// <summary>The rows at <paramref name="indices"/> (repeats allowed), gathered with <see cref="Tensor.IndexSelect"/>.</summary>
    public Batch GetBatch(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return Gather((int[])indices.Clone());
    }

    /// <summary>The batch of rows <paramref name="idx"/>, an array the batch owns from now on.</summary>
    private Batch Gather(int[] idx) => Gather(idx, Labels is null ? null : new int[idx.Length]);

    /// <summary>The batch of rows <paramref name="idx"/>, its labels written into <paramref name="labels"/> (of idx's
    /// length; null for a data set with float targets).</summary>
    private Batch Gather(int[] idx, int[]? labels)
    {
        if (labels is not null)
            for (int i = 0; i < idx.Length; i++) labels[i] = Labels![idx[i]];
        return new Batch(Features.IndexSelect(idx), labels, Targets?.IndexSelect(idx), idx);
    }

    /// <summary>The sample order of an epoch: 0 … N − 1, shuffled by <paramref name="rng"/> when given; in
    /// <paramref name="reuse"/> when that has N elements.</summary>
    private int[] Order(Rng? rng, int[]? reuse = null)
    {
        int[] order = reuse?.Length == Count ? reuse : new int[Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        rng?.Shuffle<int>(order);
        return order;
    }

    private static void CheckBatchSize(int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "TensorDataset.Batches: expected a batch size ≥ 1.");
    }

    /// <summary>
    /// Consecutive mini-batches of <paramref name="batchSize"/> rows covering every sample once (the last may be
    /// smaller), in a seeded random order when <paramref name="rng"/> is given, else in order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> &lt; 1.</exception>
    public IEnumerable<Batch> Batches(int batchSize, Rng? rng = null)
    {
        CheckBatchSize(batchSize);
        return Enumerate(Order(rng), batchSize);
    }

    private IEnumerable<Batch> Enumerate(int[] order, int batchSize)
    {
        for (int start = 0; start < order.Length; start += batchSize)
            yield return Gather(order[start..Math.Min(order.Length, start + batchSize)]); // the range is a fresh copy
    }

    /// <summary>
    /// <see cref="Batches"/> for a training loop that is done with each batch before asking for the next (the
    /// trainer): every full batch reuses one pair of index and label arrays, so a step allocates nothing that grows
    /// with the batch size. Run it inside a <see cref="Tensor.Scope"/> per step, which releases the gathered tensors.
    /// </summary>
    /// <param name="batchSize">Rows per batch.</param>
    /// <param name="rng">The shuffle's generator (drawn from exactly as by <see cref="Batches"/>), or null for the stored order.</param>
    /// <param name="order">The caller's buffer for the epoch's order, reused when it has <see cref="Count"/> elements.</param>
    internal IEnumerable<Batch> ReusedBatches(int batchSize, Rng? rng, ref int[]? order)
    {
        CheckBatchSize(batchSize);
        order = Order(rng, order);
        return EnumerateReused(order, batchSize);
    }

    private IEnumerable<Batch> EnumerateReused(int[] order, int batchSize)
    {
        int full = Math.Min(batchSize, order.Length);
        int[] idx = new int[full];
        int[]? labels = Labels is null ? null : new int[full];
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int count = Math.Min(batchSize, order.Length - start);
            if (count != idx.Length)
            {
                // The last, shorter batch of an epoch: arrays of its own length (Batch.Count is the array's).
                idx = new int[count];
                labels = Labels is null ? null : new int[count];
            }
            order.AsSpan(start, count).CopyTo(idx);
            yield return Gather(idx, labels);
        }
    }

    /// <summary>The number of batches <see cref="Batches"/> yields for <paramref name="batchSize"/>.</summary>
    public int BatchCount(int batchSize) => (Count + batchSize - 1) / batchSize;

    /// <summary>Splits the samples at random (seeded) into a training part and a validation part of
    /// ⌊<paramref name="validationFraction"/>·N⌉ samples.</summary>
    public (TensorDataset Train, TensorDataset Validation) Split(double validationFraction, int seed = 0)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "TensorDataset.Split: expected a fraction in (0, 1).");
        int[] order = Order(new Rng(seed));
        int validation = (int)Math.Round(validationFraction * Count);
        if (validation == 0 || validation == Count)
            throw new ArgumentException(
                $"TensorDataset.Split: a fraction of {validationFraction} of {Count} samples leaves {(validation == 0 ? "the validation" : "the training")} part empty; " +
                "expected both parts to have at least one sample.", nameof(validationFraction));
        return (Subset(order[validation..]), Subset(order[..validation]));
    }

    private TensorDataset Subset(int[] rows)
    {
        Batch b = GetBatch(rows);
        return b.Labels is not null
            ? new TensorDataset(b.Features, b.Labels) { ClassCount = ClassCount }
            : new TensorDataset(b.Features, b.Targets!) { ClassCount = ClassCount };
    }
}
