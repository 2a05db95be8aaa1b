using Backprop.Kernels;

namespace Backprop.Core.Tests.Kernels;

/// <summary>How <see cref="Halves"/> hands a range to a job: every index exactly once, in spans no longer than the
/// chunk, split in two or not; and when element jobs get cache-sized spans.</summary>
[Collection(nameof(RunsAloneCollection))]
public sealed class HalvesChunkTests
{
    /// <summary>Records the spans it is given; the two halves write disjoint parts of the arrays.</summary>
    private readonly struct RecordingJob(int[] visits, int[] longest) : IRangeJob
    {
        public void Run(int from, int to)
        {
            for (int i = from; i < to; i++) visits[i]++;
            // The first index of each span remembers the span's length: halves never share a span start.
            longest[from] = to - from;
        }
    }

    [Theory]
    [InlineData(1_000, 1_000, 64)]                         // below the split threshold: one thread, in chunks
    [InlineData(Halves.MinElements * 2 + 77, Halves.MinElements * 2 + 77, 10_000)]   // split, chunked
    [InlineData(Halves.MinElements * 2 + 77, Halves.MinElements * 2 + 77, int.MaxValue)] // split, whole halves
    [InlineData(5, 5, 2)]
    public void Every_index_is_visited_once_in_spans_no_longer_than_the_chunk(int count, long work, int chunk)
    {
        int[] visits = new int[count], longest = new int[count];
        Halves.Run(new RecordingJob(visits, longest), count, work, chunk);
        Assert.All(visits, v => Assert.Equal(1, v));
        Assert.All(longest, l => Assert.InRange(l, 0, chunk));
        if (chunk < count) Assert.Contains(chunk, longest);   // the spans really were cut
    }

    [Fact]
    public void Element_jobs_get_cache_sized_spans_only_when_their_arrays_fit_in_the_cache()
    {
        long cache = CacheSize.LastLevel;
        int fits = (int)Math.Min(int.MaxValue, cache / (sizeof(float) * 3));
        Assert.Equal(Halves.ChunkBytes / sizeof(float), Halves.ElementChunk<float>(fits, 3));
        Assert.Equal(Halves.ChunkBytes / sizeof(double), Halves.ElementChunk<double>(fits / 2, 3));
        Assert.Equal(int.MaxValue, Halves.ElementChunk<float>(fits + 1, 3));
        Assert.True(Halves.ChunkBytes <= 256 * 1024, "spans must stay below TensorPrimitives' non-temporal threshold");
    }

    [Fact]
    public void Costly_maps_split_sooner_than_cheap_ones_and_give_the_same_bits()
    {
        // 20,000 elements: below the split threshold for a copy-like op, above it for exp (cost 10).
        int n = 20_000;
        Assert.True(n < Halves.MinElements && (long)n * Tensor.TranscendentalCost >= Halves.MinElements);
        var rng = new Rng(3);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float)rng.Uniform(-5, 5);
        Tensor x = Tensor.FromArray(values, n);
        long before = Halves.Splits;
        Tensor relu = x.Relu();
        Assert.Equal(before, Halves.Splits);
        Tensor exp = x.Exp();
        if (Environment.ProcessorCount >= 2) Assert.Equal(before + 1, Halves.Splits);
        // Elementwise: the same bits as the op on a piece too small to split.
        float[] y = exp.AsSpan<float>().ToArray();
        for (int start = 0; start < n; start += 1000)
        {
            float[] piece = Tensor.FromArray(values.AsSpan(start, 1000).ToArray(), 1000).Exp().AsSpan<float>().ToArray();
            Assert.Equal(piece, y.AsSpan(start, 1000).ToArray());
        }
        Assert.Equal(values.Select(v => Math.Max(v, 0f)).ToArray(), relu.AsSpan<float>().ToArray());
    }

    [Theory]
    [InlineData("32768K", 32L << 20)]
    [InlineData("1M", 1L << 20)]
    [InlineData("512k", 512L << 10)]
    [InlineData("4096", 4096L)]
    [InlineData("", 0L)]
    [InlineData("lots", 0L)]
    [InlineData("-5K", 0L)]
    public void Cache_sizes_read_as_sysfs_writes_them(string text, long bytes) => Assert.Equal(bytes, CacheSize.Parse(text));

    [Fact]
    public void The_last_level_cache_size_is_known_or_the_fallback() => Assert.True(CacheSize.LastLevel >= 256 * 1024);
}
