using System.Numerics;
using System.Runtime.Intrinsics;
using Backprop.Kernels;

namespace Backprop.Core.Tests.Kernels;

/// <summary>
/// The direct product's 512-bit kernels (GemmDirect.Wide.cs, run on the AVX-512 path) against its 256-bit
/// kernels (the AVX2 path), bit for bit: every group of eight rows and the last four or fewer, column chunks of
/// four, two and one 256-bit vectors with ragged ends, every transpose, α and β, padded leading dimensions, both
/// dtypes; and the MLP's skinny shapes against the plain fixed-order loop.
/// </summary>
public class GemmDirectWideTests
{
    private static readonly int[] Ms = [1, 3, 4, 5, 8, 9, 12, 13, 17, 33];
    private static readonly int[] Ns = [1, 5, 8, 10, 15, 16, 17, 24, 31, 32, 33, 40, 48, 70];
    private static readonly int[] Ks = [1, 2, 7, 33];

    [Fact]
    public void Float_WideKernels_MatchTheNarrowOnes() => Check<float>();

    [Fact]
    public void Double_WideKernels_MatchTheNarrowOnes() => Check<double>();

    [Theory]
    [InlineData(256, 10, 128, false, true)]
    [InlineData(256, 128, 10, false, false)]
    [InlineData(10, 128, 256, true, false)]
    [InlineData(64, 10, 256, false, true)]
    public void SkinnyShapes_FollowTheSingleChain_OnEveryPath(int m, int n, int k, bool ta, bool tb)
    {
        var rng = new Rng(21);
        float[] a = GemmCall.Random<float>(m * k, rng), b = GemmCall.Random<float>(k * n, rng);
        float[] expected = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0f;
                for (int q = 0; q < k; q++)
                    s = MathF.FusedMultiplyAdd(ta ? a[q * m + i] : a[i * k + q], tb ? b[j * k + q] : b[q * n + j], s);
                expected[i * n + j] = s;
            }
        foreach (GemmPath path in new[] { GemmPath.Auto, GemmPath.Avx512, GemmPath.Avx2 })
        {
            float[] c = GemmCall.Product(path, GemmStrategy.Direct, ta, tb, m, n, k, 1.0, a, ta ? m : k, b, tb ? k : n, 0.0, new float[m * n], n);
            Assert.Equal(expected, c);
        }
    }

    [Theory]
    [InlineData(1, 256, 784)]
    [InlineData(2, 9, 33)]
    [InlineData(3, 13, 20)]
    [InlineData(4, 128, 256)]
    [InlineData(1, 3, 16)]
    [InlineData(4, 300, 3000)]
    public void FewRowsTimesTransposedB_FollowTheDotProductOrder(int m, int n, int k)
    {
        // x·Wᵀ for one to four samples: each element in 8 float (4 double) lanes by FMA in k order, the lanes folded
        // in FixedOrder's tree, the tail by FMA; α and β as everywhere. Sizes past the direct threshold included.
        DotOrder<float>(m, n, k);
        DotOrder<double>(m, n, k);
    }

    private static void DotOrder<T>(int m, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng(23);
        int w = Vector256<T>.Count;
        T[] a = GemmCall.Random<T>(m * k, rng), b = GemmCall.Random<T>(n * k, rng), c0 = GemmCall.Random<T>(m * n, rng);
        foreach (var (alpha, beta) in new[] { (1.0, 0.0), (-0.75, 1.5) })
        {
            T al = T.CreateTruncating(alpha), be = T.CreateTruncating(beta);
            T[] expected = new T[m * n];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    T[] lanes = new T[w];
                    int vectorEnd = k / w * w;
                    for (int q = 0; q < vectorEnd; q++) lanes[q % w] = T.FusedMultiplyAdd(a[i * k + q], b[j * k + q], lanes[q % w]);
                    for (int half = w / 2; half >= 1; half /= 2)
                        for (int l = 0; l < half; l++) lanes[l] += lanes[l + half];
                    T s = lanes[0];
                    for (int q = vectorEnd; q < k; q++) s = T.FusedMultiplyAdd(a[i * k + q], b[j * k + q], s);
                    expected[i * n + j] = be == T.Zero ? al * s : T.FusedMultiplyAdd(s, al, be * c0[i * n + j]);
                }
            foreach (GemmPath path in new[] { GemmPath.Auto, GemmPath.Avx2 })
            {
                T[] c = GemmCall.Product(path, GemmStrategy.Auto, false, true, m, n, k, alpha, a, k, b, k, beta, c0, n);
                Assert.True(expected.AsSpan().SequenceEqual(c), $"{typeof(T).Name} {m}x{n}x{k} α={alpha} β={beta} {path}");
            }
        }
    }

    private static void Check<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng(17);
        var failures = new List<string>();
        int checkedProducts = 0;
        foreach (int m in Ms)
            foreach (int n in Ns)
                foreach (int k in Ks)
                    foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
                        foreach (var (alpha, beta) in new[] { (1.0, 0.0), (-0.75, 1.5) })
                        {
                            // Stored A is m×k (k×m transposed), B k×n (n×k); every leading dimension padded.
                            int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5;
                            T[] a = GemmCall.Random<T>((ta ? k : m) * lda, rng), b = GemmCall.Random<T>((tb ? n : k) * ldb, rng), c0 = GemmCall.Random<T>(m * ldc, rng);
                            T[] wide = GemmCall.Product(GemmPath.Avx512, GemmStrategy.Direct, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);
                            T[] narrow = GemmCall.Product(GemmPath.Avx2, GemmStrategy.Direct, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);
                            checkedProducts++;
                            if (!wide.AsSpan().SequenceEqual(narrow))
                                failures.Add($"{m}x{n}x{k} ta={ta} tb={tb} α={alpha} β={beta}");
                        }
        Assert.Equal(Ms.Length * Ns.Length * Ks.Length * 8, checkedProducts);
        Assert.True(failures.Count == 0, $"{failures.Count} products differ between the 512- and 256-bit direct kernels (Vector512 accelerated: {Vector512.IsHardwareAccelerated}):\n" + string.Join("\n", failures.Take(20)));
    }
}
