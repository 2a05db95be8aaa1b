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
}
