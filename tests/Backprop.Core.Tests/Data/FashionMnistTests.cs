using Backprop.Data;
using Xunit.Abstractions;

namespace Backprop.Core.Tests.Data;

public sealed class FashionMnistTests(ITestOutputHelper output)
{
    [Fact]
    public void Has_ten_class_names()
    {
        Assert.Equal(10, FashionMnist.ClassNames.Count);
        Assert.Equal("T-shirt/top", FashionMnist.ClassNames[0]);
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[9]);
    }

    [Fact]
    public void Try_load_returns_false_for_a_directory_without_the_files()
    {
        var dir = Directory.CreateTempSubdirectory("backprop-fmnist-empty-");
        try
        {
            Assert.False(FashionMnist.TryLoad(out var train, out var test, dir.FullName));
            Assert.Equal(0, train.Count + test.Count);
            Assert.Contains(dir.FullName, Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(dir.FullName)).Message);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Try_load_reads_small_files_in_the_expected_layout()
    {
        var dir = Directory.CreateTempSubdirectory("backprop-fmnist-small-");
        try
        {
            byte[] trainPixels = [0, 255, 51, 102, 10, 20, 30, 40];
            File.WriteAllBytes(Path.Combine(dir.FullName, "train-images-idx3-ubyte.gz"), IdxTests.Gzip(IdxTests.IdxBytes(0x803, [2, 2, 2], trainPixels)));
            File.WriteAllBytes(Path.Combine(dir.FullName, "train-labels-idx1-ubyte"), IdxTests.IdxBytes(0x801, [2], [9, 0]));
            File.WriteAllBytes(Path.Combine(dir.FullName, "t10k-images-idx3-ubyte"), IdxTests.IdxBytes(0x803, [1, 2, 2], [1, 2, 3, 4]));
            File.WriteAllBytes(Path.Combine(dir.FullName, "t10k-labels-idx1-ubyte.gz"), IdxTests.Gzip(IdxTests.IdxBytes(0x801, [1], [5])));

            Assert.True(FashionMnist.TryLoad(out var train, out var test, dir.FullName));
            Assert.Equal((2, 2, 2), (train.Count, train.Rows, train.Columns));
            Assert.Equal([9, 0], train.Labels);
            Assert.Equal([0f, 1f, 0.2f, 0.4f], train.Image(0).ToArray());
            Assert.Equal("Ankle boot", train.ClassNames[train.Labels[0]]);
            Assert.Equal(1, test.Count);
            Assert.Equal(5, test.Labels[0]);

            // A label outside the 10 classes is damage, not "not found".
            File.WriteAllBytes(Path.Combine(dir.FullName, "t10k-labels-idx1-ubyte.gz"), IdxTests.Gzip(IdxTests.IdxBytes(0x801, [1], [10])));
            Assert.Throws<InvalidDataException>(() => FashionMnist.TryLoad(out _, out _, dir.FullName));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [SkippableFact]
    public void Loads_the_installed_data_set()
    {
        string? dir = FashionMnist.Find();
        // Skipped where the data set is not installed; .ci/run installs it and makes this test mandatory.
        Oracle.ExternalRequirement.RequireOrSkip("Fashion-MNIST (dataset-fashion-mnist)", dir is null
            ? $"not found in {string.Join(", ", FashionMnist.SearchDirectories())}; install Debian's dataset-fashion-mnist or set FASHION_MNIST_DIR"
            : null);
        output.WriteLine($"Loading Fashion-MNIST from {dir}");
        Assert.True(FashionMnist.TryLoad(out var train, out var test));
        Assert.Equal((60000, 28, 28), (train.Count, train.Rows, train.Columns));
        Assert.Equal((10000, 28, 28), (test.Count, test.Rows, test.Columns));
        Assert.Equal(60000 * 784, train.Pixels.Length);
        Assert.Equal(10000 * 784, test.Pixels.Length);
        var trainCounts = new int[10];
        foreach (int label in train.Labels) trainCounts[label]++;
        var testCounts = new int[10];
        foreach (int label in test.Labels) testCounts[label]++;
        Assert.All(trainCounts, c => Assert.Equal(6000, c)); // Fashion-MNIST is balanced
        Assert.All(testCounts, c => Assert.Equal(1000, c));
        float min = float.MaxValue, max = float.MinValue;
        foreach (float p in train.Pixels) { min = Math.Min(min, p); max = Math.Max(max, p); }
        Assert.Equal(0f, min);
        Assert.Equal(1f, max);
    }
}
