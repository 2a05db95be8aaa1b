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

    /// <summary>Optional class names, indexed by class (e.g. the string labels of a CSV file).</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Optional feature names, indexed by feature (e.g. a CSV header).</summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>The name of class <paramref name="label"/>: its entry in <see cref="ClassNames"/>, else the index.</summary>
    public string ClassName(int label) =>
        ClassNames is { } names && (uint)label < (uint)names.Count ? names[label] : label.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>How many samples each class has.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (int label in Labels)
        {
            if ((uint)label >= (uint)ClassCount)
                throw new InvalidOperationException($"ClassCounts: label {label} is outside [0, {ClassCount}).");
            counts[label]++;
        }
        return counts;
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order (names are kept).</summary>
    public ClassificationData Subset(ReadOnlySpan<int> indices)
    {
        var features = new double[indices.Length][];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Subset: index {indices[i]} at position {i} is outside [0, {Count}).");
            features[i] = Features[indices[i]];
            labels[i] = Labels[indices[i]];
        }
        return this with { Features = features, Labels = labels };
    }

    /// <summary>
    /// A seeded, stratified train/test split: each class contributes round(<paramref name="trainFraction"/>·nₖ)
    /// of its nₖ samples to the training set and the rest to the test set; both sets are shuffled.
    /// Rows are shared, not copied.
    /// </summary>
    /// <param name="trainFraction">Fraction of each class that goes to training, in [0, 1].</param>
    /// <param name="seed">Seed of the shuffle.</param>
    public (ClassificationData Train, ClassificationData Test) Split(double trainFraction = 0.8, int seed = 0)
    {
        if (!(trainFraction >= 0 && trainFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction, "Split: expected a train fraction in [0, 1].");
        var rng = new Rng(seed);
        int[] counts = ClassCounts();
        var byClass = new int[ClassCount][];
        var filled = new int[ClassCount];
        for (int c = 0; c < ClassCount; c++) byClass[c] = new int[counts[c]];
        for (int i = 0; i < Count; i++) byClass[Labels[i]][filled[Labels[i]]++] = i;

        var train = new List<int>(Count);
        var test = new List<int>(Count);
        for (int c = 0; c < ClassCount; c++)
        {
            rng.Shuffle<int>(byClass[c]);
            int take = (int)Math.Round(trainFraction * byClass[c].Length, MidpointRounding.AwayFromZero);
            for (int k = 0; k < byClass[c].Length; k++) (k < take ? train : test).Add(byClass[c][k]);
        }
        int[] trainIdx = [.. train], testIdx = [.. test];
        rng.Shuffle<int>(trainIdx);
        rng.Shuffle<int>(testIdx);
        return (Subset(trainIdx), Subset(testIdx));
    }

    /// <summary>The per-feature mean and standard deviation of this data set (to standardize it and others alike).</summary>
    public Standardizer FitStandardizer() => Standardizer.Fit(Features);

    /// <summary>This data set with every feature shifted and scaled to mean 0 and standard deviation 1
    /// (constant features become 0). Use <see cref="FitStandardizer"/> on the training set to scale a test set the same way.</summary>
    public ClassificationData Standardize() => FitStandardizer().Apply(this);
}

/// <summary>Per-feature standardization x′ = (x − μ)/σ, with μ and σ fitted on one data set.</summary>
/// <param name="Mean">μ per feature.</param>
/// <param name="Std">σ per feature (population standard deviation; 1 where a feature is constant).</param>
public sealed record Standardizer(double[] Mean, double[] Std)
{
    /// <summary>Fits μ and σ to the rows.</summary>
    public static Standardizer Fit(double[][] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Length == 0) throw new ArgumentException("Standardizer.Fit: expected at least one row.", nameof(rows));
        int d = rows[0].Length;
        var mean = new double[d];
        var std = new double[d];
        foreach (double[] row in rows)
        {
            if (row.Length != d) throw new ArgumentException($"Standardizer.Fit: expected rows of {d} features, found one of {row.Length}.", nameof(rows));
            for (int f = 0; f < d; f++) mean[f] += row[f];
        }
        for (int f = 0; f < d; f++) mean[f] /= rows.Length;
        foreach (double[] row in rows)
            for (int f = 0; f < d; f++) std[f] += (row[f] - mean[f]) * (row[f] - mean[f]);
        for (int f = 0; f < d; f++)
        {
            std[f] = Math.Sqrt(std[f] / rows.Length);
            if (!(std[f] > 0)) std[f] = 1;
        }
        return new Standardizer(mean, std);
    }

    /// <summary>(x − μ)/σ for one row.</summary>
    public double[] Apply(ReadOnlySpan<double> row)
    {
        if (row.Length != Mean.Length)
            throw new ArgumentException($"Standardizer.Apply: expected a row of {Mean.Length} features, got {row.Length}.", nameof(row));
        var result = new double[row.Length];
        for (int f = 0; f < row.Length; f++) result[f] = (row[f] - Mean[f]) / Std[f];
        return result;
    }

    /// <summary>The data set with every row standardized (labels and names kept).</summary>
    public ClassificationData Apply(ClassificationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var rows = new double[data.Count][];
        for (int i = 0; i < rows.Length; i++) rows[i] = Apply(data.Features[i]);
        return data with { Features = rows };
    }
}
