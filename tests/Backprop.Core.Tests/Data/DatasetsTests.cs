using Backprop.Data;

namespace Backprop.Core.Tests.Data;

public class DatasetsTests
{
    public static TheoryData<string> Names => new() { "TwoMoons", "Spirals", "Xor", "GaussianBlobs" };

    private static ClassificationData Make(string name, int seed) => name switch
    {
        "TwoMoons" => Datasets.TwoMoons(120, 0.1, seed),
        "Spirals" => Datasets.Spirals(40, 3, 0.2, seed),
        "Xor" => Datasets.Xor(120, 0.1, seed),
        "GaussianBlobs" => Datasets.GaussianBlobs(40, 3, 1.0, seed),
        _ => throw new ArgumentException(name),
    };

    [Theory, MemberData(nameof(Names))]
    public void Same_seed_gives_same_data(string name)
    {
        var a = Make(name, 7);
        var b = Make(name, 7);
        Assert.Equal(a.Labels, b.Labels);
        for (int i = 0; i < a.Count; i++) Assert.Equal(a.Features[i], b.Features[i]);
    }

    [Theory, MemberData(nameof(Names))]
    public void Different_seed_gives_different_data(string name)
    {
        var a = Make(name, 7);
        var b = Make(name, 8);
        bool differs = false;
        for (int i = 0; i < a.Count && !differs; i++)
            differs = a.Labels[i] != b.Labels[i] || !a.Features[i].AsSpan().SequenceEqual(b.Features[i]);
        Assert.True(differs);
    }

    [Fact]
    public void Spirals_are_balanced_and_follow_their_arms()
    {
        var data = Datasets.Spirals(samplesPerClass: 50, classes: 4, noise: 0, seed: 1);
        Assert.Equal(200, data.Count);
        Assert.Equal(4, data.ClassCount);
        Assert.Equal([50, 50, 50, 50], data.ClassCounts());
        // Without noise, a point at radius r of arm k sits at angle θ = 4(k + r): (r sin θ, r cos θ).
        foreach (var (x, k) in data.Features.Zip(data.Labels))
        {
            double r = Math.Sqrt(x[0] * x[0] + x[1] * x[1]);
            double theta = 4.0 * (k + r);
            Assert.Equal(r * Math.Sin(theta), x[0], 12);
            Assert.Equal(r * Math.Cos(theta), x[1], 12);
        }
    }

    [Fact]
    public void Xor_without_noise_is_the_truth_table()
    {
        var data = Datasets.Xor(samples: 100, noise: 0, seed: 3);
        Assert.Equal([50, 50], data.ClassCounts());
        for (int i = 0; i < data.Count; i++)
        {
            double a = data.Features[i][0], b = data.Features[i][1];
            Assert.True(a is 0 or 1 && b is 0 or 1, $"({a}, {b}) is not a corner");
            Assert.Equal((int)a ^ (int)b, data.Labels[i]);
        }
    }

    [Fact]
    public void Noisy_xor_labels_match_the_nearest_corner()
    {
        var data = Datasets.Xor(samples: 400, noise: 0.1, seed: 4);
        Assert.Equal([200, 200], data.ClassCounts());
        int agree = 0;
        for (int i = 0; i < data.Count; i++)
            agree += ((data.Features[i][0] > 0.5) ^ (data.Features[i][1] > 0.5) ? 1 : 0) == data.Labels[i] ? 1 : 0;
        Assert.True(agree >= 396, $"only {agree} of 400 points lie in their corner's quadrant"); // 5σ away: essentially all
    }

    [Fact]
    public void Blobs_gather_around_their_centers()
    {
        double[][] centers = [[0, 0], [5, 5], [-5, 5]];
        var data = Datasets.GaussianBlobs(centers, samplesPerClass: 400, std: 0.5, seed: 2);
        Assert.Equal([400, 400, 400], data.ClassCounts());
        for (int k = 0; k < 3; k++)
        {
            double mx = 0, my = 0, var = 0;
            for (int i = 0; i < data.Count; i++)
                if (data.Labels[i] == k) { mx += data.Features[i][0] / 400; my += data.Features[i][1] / 400; }
            for (int i = 0; i < data.Count; i++)
                if (data.Labels[i] == k) var += (Math.Pow(data.Features[i][0] - mx, 2) + Math.Pow(data.Features[i][1] - my, 2)) / 800;
            Assert.InRange(mx - centers[k][0], -0.1, 0.1); // standard error 0.5/√400 = 0.025
            Assert.InRange(my - centers[k][1], -0.1, 0.1);
            Assert.InRange(Math.Sqrt(var), 0.45, 0.55);
        }
    }

    [Fact]
    public void Random_blob_centers_lie_in_the_box_and_have_the_requested_dimension()
    {
        var data = Datasets.GaussianBlobs(samplesPerClass: 10, classes: 5, std: 0, seed: 9, features: 3, centerBox: 2);
        Assert.Equal(3, data.FeatureCount);
        Assert.Equal([10, 10, 10, 10, 10], data.ClassCounts());
        foreach (double[] x in data.Features) Assert.All(x, v => Assert.InRange(v, -2, 2));
    }

    [Fact]
    public void Bad_arguments_name_the_data_set()
    {
        Assert.Contains("Spirals", Assert.Throws<ArgumentException>(() => Datasets.Spirals(10, 1)).Message);
        Assert.Contains("Xor", Assert.Throws<ArgumentException>(() => Datasets.Xor(3)).Message);
        Assert.Contains("GaussianBlobs", Assert.Throws<ArgumentException>(() => Datasets.GaussianBlobs(10, 3, -1)).Message);
        Assert.Contains("centre 1", Assert.Throws<ArgumentException>(() => Datasets.GaussianBlobs([[0, 0], [1]], 5)).Message);
    }

    [Fact]
    public void Split_is_stratified_disjoint_and_seeded()
    {
        var data = Datasets.Spirals(samplesPerClass: 50, classes: 3, seed: 5);
        var (train, test) = data.Split(0.8, seed: 1);
        Assert.Equal([40, 40, 40], train.ClassCounts());
        Assert.Equal([10, 10, 10], test.ClassCounts());
        var all = new HashSet<double[]>(ReferenceEqualityComparer.Instance);
        foreach (var row in train.Features) Assert.True(all.Add(row));
        foreach (var row in test.Features) Assert.True(all.Add(row));
        Assert.Equal(150, all.Count);
        for (int i = 0; i < train.Count; i++) Assert.Equal(data.Labels[Array.IndexOf(data.Features, train.Features[i])], train.Labels[i]);

        var (train2, _) = data.Split(0.8, seed: 1);
        Assert.Equal(train.Labels, train2.Labels);
        Assert.Equal(train.Features, train2.Features);
        var (train3, _) = data.Split(0.8, seed: 2);
        Assert.NotEqual(train.Features, train3.Features);
    }

    [Fact]
    public void Standardize_gives_zero_mean_and_unit_deviation()
    {
        var data = Datasets.GaussianBlobs(samplesPerClass: 30, classes: 2, std: 3, seed: 4, features: 3);
        var scaled = data.Standardize();
        Assert.Equal(data.Labels, scaled.Labels);
        for (int f = 0; f < 3; f++)
        {
            double mean = scaled.Features.Average(x => x[f]);
            double std = Math.Sqrt(scaled.Features.Average(x => (x[f] - mean) * (x[f] - mean)));
            Assert.Equal(0, mean, 12);
            Assert.Equal(1, std, 12);
        }
        var standardizer = data.FitStandardizer();
        double[] row = data.Features[0];
        Assert.Equal((row[1] - standardizer.Mean[1]) / standardizer.Std[1], scaled.Features[0][1], 15);
    }
}
