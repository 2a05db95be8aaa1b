namespace Backprop.Data;

/// <summary>Seeded synthetic data sets: the same seed gives the same points on every machine.</summary>
public static class Datasets
{
    /// <summary>
    /// Two interleaving half circles (scikit-learn's make_moons): class 0 on the upper moon
    /// (cos t, sin t), class 1 on the lower one (1 − cos t, ½ − sin t), t ∈ [0, π], plus Gaussian noise;
    /// samples are shuffled.
    /// </summary>
    public static ClassificationData TwoMoons(int samples = 100, double noise = 0.1, int seed = 0)
    {
        if (samples < 2) throw new ArgumentException($"TwoMoons: expected at least 2 samples, got {samples}.", nameof(samples));
        if (!(noise >= 0)) throw new ArgumentException($"TwoMoons: expected a non-negative noise level, got {noise}.", nameof(noise));
        var rng = new Rng(seed);
        int upper = samples / 2 + samples % 2, lower = samples / 2;
        var features = new double[samples][];
        var labels = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            bool isUpper = i < upper;
            int k = isUpper ? i : i - upper;
            int count = isUpper ? upper : lower;
            double t = count == 1 ? 0 : Math.PI * k / (count - 1);
            double x = isUpper ? Math.Cos(t) : 1 - Math.Cos(t);
            double y = isUpper ? Math.Sin(t) : 0.5 - Math.Sin(t);
            features[i] = [x + noise * rng.NextGaussian(), y + noise * rng.NextGaussian()];
            labels[i] = isUpper ? 0 : 1;
        }
        var order = new int[samples];
        for (int i = 0; i < samples; i++) order[i] = i;
        rng.Shuffle<int>(order);
        return new ClassificationData(order.Select(i => features[i]).ToArray(), order.Select(i => labels[i]).ToArray(), 2);
    }

    /// <summary>
    /// Interleaved spiral arms (the CS231n "spiral" set): arm k has radius r = i/(n−1) growing from the
    /// centre and angle θ = 4(k + r) plus Gaussian noise of standard deviation <paramref name="noise"/>
    /// (in radians), giving the point (r·sin θ, r·cos θ). Balanced, shuffled.
    /// </summary>
    /// <param name="samplesPerClass">Points per arm.</param>
    /// <param name="classes">Number of arms (classes), at least 2.</param>
    /// <param name="noise">Standard deviation of the angle noise.</param>
    /// <param name="seed">Seed.</param>
    public static ClassificationData Spirals(int samplesPerClass = 100, int classes = 3, double noise = 0.2, int seed = 0)
    {
        CheckCounts("Spirals", samplesPerClass, classes);
        CheckNoise("Spirals", noise, nameof(noise));
        var rng = new Rng(seed);
        int n = samplesPerClass * classes;
        var features = new double[n][];
        var labels = new int[n];
        for (int k = 0, s = 0; k < classes; k++)
            for (int i = 0; i < samplesPerClass; i++, s++)
            {
                double r = samplesPerClass == 1 ? 1.0 : (double)i / (samplesPerClass - 1);
                double theta = 4.0 * (k + r) + noise * rng.NextGaussian();
                features[s] = [r * Math.Sin(theta), r * Math.Cos(theta)];
                labels[s] = k;
            }
        return Shuffled(features, labels, classes, rng);
    }

    /// <summary>
    /// The XOR problem: points around the four corners (0,0), (0,1), (1,0), (1,1) of the unit square,
    /// with Gaussian noise of standard deviation <paramref name="noise"/>; the label is x₁ XOR x₂ of the
    /// corner (class 1 for (0,1) and (1,0)). Corners take turns, so the classes are balanced; shuffled.
    /// </summary>
    /// <param name="samples">Number of points, at least 4.</param>
    /// <param name="noise">Standard deviation of the noise around each corner.</param>
    /// <param name="seed">Seed.</param>
    public static ClassificationData Xor(int samples = 200, double noise = 0.1, int seed = 0)
    {
        if (samples < 4) throw new ArgumentException($"Xor: expected at least 4 samples (one per corner), got {samples}.", nameof(samples));
        CheckNoise("Xor", noise, nameof(noise));
        var rng = new Rng(seed);
        var features = new double[samples][];
        var labels = new int[samples];
        for (int s = 0; s < samples; s++)
        {
            int a = (s >> 1) & 1, b = s & 1; // corner s mod 4 = (a, b)
            features[s] = [a + noise * rng.NextGaussian(), b + noise * rng.NextGaussian()];
            labels[s] = a ^ b;
        }
        return Shuffled(features, labels, 2, rng);
    }

    /// <summary>
    /// Isotropic Gaussian blobs (scikit-learn's make_blobs): <paramref name="classes"/> centres drawn
    /// uniformly from [−<paramref name="centerBox"/>, <paramref name="centerBox"/>]^<paramref name="features"/>,
    /// and <paramref name="samplesPerClass"/> points around each with standard deviation <paramref name="std"/>. Shuffled.
    /// </summary>
    /// <param name="samplesPerClass">Points per blob.</param>
    /// <param name="classes">Number of blobs (classes).</param>
    /// <param name="std">Standard deviation of each blob.</param>
    /// <param name="seed">Seed (of the centres and the points).</param>
    /// <param name="features">Dimension of the points.</param>
    /// <param name="centerBox">Half-width of the box the centres are drawn from.</param>
    public static ClassificationData GaussianBlobs(int samplesPerClass = 100, int classes = 3, double std = 1.0, int seed = 0,
        int features = 2, double centerBox = 10.0)
    {
        CheckCounts("GaussianBlobs", samplesPerClass, classes);
        if (features < 1) throw new ArgumentException($"GaussianBlobs: expected at least 1 feature, got {features}.", nameof(features));
        if (!(centerBox > 0) || double.IsInfinity(centerBox))
            throw new ArgumentException($"GaussianBlobs: expected a positive finite centre box, got {centerBox}.", nameof(centerBox));
        var rng = new Rng(seed);
        var centers = new double[classes][];
        for (int k = 0; k < classes; k++)
        {
            centers[k] = new double[features];
            for (int f = 0; f < features; f++) centers[k][f] = rng.Uniform(-centerBox, centerBox);
        }
        return Blobs(centers, samplesPerClass, std, rng);
    }

    /// <summary>Isotropic Gaussian blobs around given centres: class k is <paramref name="samplesPerClass"/>
    /// points drawn from N(centers[k], std²·I). Shuffled.</summary>
    /// <param name="centers">One centre per class, all of the same dimension.</param>
    /// <param name="samplesPerClass">Points per blob.</param>
    /// <param name="std">Standard deviation of each blob.</param>
    /// <param name="seed">Seed.</param>
    public static ClassificationData GaussianBlobs(double[][] centers, int samplesPerClass = 100, double std = 1.0, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(centers);
        CheckCounts("GaussianBlobs", samplesPerClass, centers.Length);
        for (int k = 0; k < centers.Length; k++)
            if (centers[k] is null || centers[k].Length == 0 || centers[k].Length != centers[0].Length)
                throw new ArgumentException($"GaussianBlobs: expected every centre to have {centers[0]?.Length ?? 0} (≥ 1) coordinates; centre {k} has {centers[k]?.Length ?? 0}.", nameof(centers));
        return Blobs(centers, samplesPerClass, std, new Rng(seed));
    }

    private static ClassificationData Blobs(double[][] centers, int samplesPerClass, double std, Rng rng)
    {
        CheckNoise("GaussianBlobs", std, nameof(std));
        int n = samplesPerClass * centers.Length, d = centers[0].Length;
        var features = new double[n][];
        var labels = new int[n];
        for (int k = 0, s = 0; k < centers.Length; k++)
            for (int i = 0; i < samplesPerClass; i++, s++)
            {
                var x = new double[d];
                for (int f = 0; f < d; f++) x[f] = centers[k][f] + std * rng.NextGaussian();
                features[s] = x;
                labels[s] = k;
            }
        return Shuffled(features, labels, centers.Length, rng);
    }

    private static ClassificationData Shuffled(double[][] features, int[] labels, int classes, Rng rng)
    {
        var order = new int[labels.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        rng.Shuffle<int>(order);
        var f = new double[order.Length][];
        var l = new int[order.Length];
        for (int i = 0; i < order.Length; i++) { f[i] = features[order[i]]; l[i] = labels[order[i]]; }
        return new ClassificationData(f, l, classes);
    }

    private static void CheckCounts(string op, int samplesPerClass, int classes)
    {
        if (samplesPerClass < 1) throw new ArgumentException($"{op}: expected at least 1 sample per class, got {samplesPerClass}.", nameof(samplesPerClass));
        if (classes < 2) throw new ArgumentException($"{op}: expected at least 2 classes, got {classes}.", nameof(classes));
        if ((long)samplesPerClass * classes > Array.MaxLength)
            throw new ArgumentException($"{op}: {samplesPerClass} × {classes} samples is more than an array can hold.");
    }

    private static void CheckNoise(string op, double noise, string name)
    {
        if (!(noise >= 0) || double.IsInfinity(noise))
            throw new ArgumentException($"{op}: expected a non-negative finite {name}, got {noise}.", name);
    }
}
