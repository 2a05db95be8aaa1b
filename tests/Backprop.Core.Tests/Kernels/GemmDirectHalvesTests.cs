using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Core.Tests.Kernels;

/// <summary>
/// Direct products split over the two cores (GemmDirect.Halves.cs) give the bits of the whole direct product: cut by
/// rows (m ≥ 64) and by columns (n ≥ 64), with ragged halves, every transpose, α and β, padded leading dimensions, on
/// the 512- and the 256-bit kernels (a forced path reaches the second thread's half), both dtypes, and products of a
/// few rows past the small-product threshold. Alone: a parallel test holding the second thread would keep these whole.
/// </summary>
[Collection(nameof(RunsAloneCollection))]
public sealed class GemmDirectHalvesTests
{
    // (m, n, k): the MLP's skinny products at batch 256 (cut by rows, or by columns for m = 10), ragged cuts
    // (m = 100, 300; n = 70, 80, 88, 100), a short k, and shapes at the split threshold.
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (256, 128, 10), (256, 10, 128), (10, 128, 256), (100, 100, 16), (300, 100, 10), (64, 32, 32),
        (16, 128, 256), (8, 70, 200), (12, 80, 100), (40, 88, 30), (128, 256, 2), (64, 64, 64),
        // A few rows past the small-product threshold: direct when op(B) is read in place (as stored, n a whole number
        // of vectors: cut by columns; transposed: dot products, kept whole), packed otherwise.
        (4, 784, 256), (3, 96, 5000),
    ];

    [Theory]
    [InlineData("Auto")]
    [InlineData("Avx2")]
    public void Float_TwoHalves_GiveTheBitsOfTheWholeProduct(string path) => Check<float>(Enum.Parse<GemmPath>(path));

    [Theory]
    [InlineData("Auto")]
    [InlineData("Avx2")]
    public void Double_TwoHalves_GiveTheBitsOfTheWholeProduct(string path) => Check<double>(Enum.Parse<GemmPath>(path));

    private static void Check<T>(GemmPath path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng(31);
        var failures = new List<string>();
        long splitsBefore = GemmDirect<T>.Splits;
        int eligible = 0;
        foreach (var (m, n, k) in Shapes)
            foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
                foreach (var (alpha, beta) in new[] { (1.0, 0.0), (-0.75, 1.5) })
                {
                    if (!Direct<T>(m, n, k, ta, tb)) continue;   // packed: another order, compared elsewhere (GemmOrderTests)
                    int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
                    T[] a = GemmCall.Random<T>((ta ? k : m) * lda, rng), b = GemmCall.Random<T>((tb ? n : k) * ldb, rng), c0 = GemmCall.Random<T>(m * ldc, rng);
                    T[] halves = GemmCall.Product(path, GemmStrategy.Auto, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);
                    T[] whole = GemmCall.Product(path, GemmStrategy.Direct, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);
                    if (!halves.AsSpan().SequenceEqual(whole))
                        failures.Add($"{m}x{n}x{k} ta={ta} tb={tb} α={alpha} β={beta}");
                    if (Splits<T>(m, n, k, ta, tb)) eligible++;
                }
        Assert.True(failures.Count == 0, $"{failures.Count} products differ between two halves and the whole:\n" + string.Join("\n", failures));
        Assert.True(eligible > 0);
        if (Environment.ProcessorCount >= 2)
            Assert.True(GemmDirect<T>.Splits - splitsBefore >= eligible, $"expected at least {eligible} direct products in two halves, saw {GemmDirect<T>.Splits - splitsBefore}");
    }

    /// <summary>Whether the library computes the shape directly: small, with op(B)'s padded copy within its limit; or at
    /// most four rows with op(B) read in place (as stored with n a whole number of vectors, or as dot products).</summary>
    private static bool Direct<T>(int m, int n, int k, bool ta, bool tb) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = System.Runtime.Intrinsics.Vector256<T>.Count;
        long work = (long)m * n * k;
        return m <= GemmDirect<T>.FewRows && (Dots<T>(m, n, k, ta, tb) || (!tb && n % w == 0)) && work <= GemmDirect<T>.FewRowsLimit ||
               work <= GemmDirect<T>.Threshold && (long)k * ((n + w - 1) / w * w) <= GemmDirect<T>.CopyLimit;
    }

    private static bool Dots<T>(int m, int n, int k, bool ta, bool tb) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = System.Runtime.Intrinsics.Vector256<T>.Count;
        return !ta && tb && k >= w && (n < w || m <= GemmDirect<T>.FewRows);
    }

    /// <summary>The direct shapes the library should split: at least the split threshold, C at least a vector wide and
    /// not computed as dot products, and 64 rows or 64 columns to cut.</summary>
    private static bool Splits<T>(int m, int n, int k, bool ta, bool tb) where T : unmanaged, IFloatingPointIeee754<T> =>
        Direct<T>(m, n, k, ta, tb) && (long)m * n * k >= GemmDirect<T>.SplitThreshold && n >= System.Runtime.Intrinsics.Vector256<T>.Count &&
        !Dots<T>(m, n, k, ta, tb) && (m >= 64 || n >= 64);
}
