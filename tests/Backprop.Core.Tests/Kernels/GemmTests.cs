using Backprop.Kernels;

namespace Backprop.Core.Tests.Kernels;

/// <summary>
/// Gemm.Multiply against a naive reference written here, for every micro-kernel family, both
/// precisions, all transpose combinations, α/β variants and padded leading dimensions.
/// </summary>
public class GemmTests
{
    public enum Precision { Single, Double }

    private const double PaddingSentinel = -777.25;

    /// <summary>~60 seeded shapes (m, n, k) in 1..300, plus edge and block-multiple shapes.</summary>
    private static readonly (int M, int N, int K)[] Shapes = BuildShapes();

    private static (int, int, int)[] BuildShapes()
    {
        var shapes = new List<(int, int, int)>
        {
            (1, 1, 1), (1, 257, 64), (257, 1, 64), (1, 1, 257), (3, 1, 300), (1, 300, 1),
            (97, 97, 97), (257, 97, 31), (97, 257, 257),
            (6, 16, 256), (8, 32, 256), (12, 32, 512), (144, 64, 256), (288, 96, 256), (48, 48, 48),
            (7, 2090, 40), // more columns than one NC block holds (2048 floats, 1024 doubles)
            (299, 301, 257), (2, 3, 1),
            (64, 3, 20), (40, 5, 9), (30, 2, 41), // narrow C: the direct path computes Cᵀ or row dot products
        };
        var rng = new Rng(20240917);
        while (shapes.Count < 60)
        {
            // Two thirds of the sample is small (1..48), where edge tiles dominate; a third spans 1..300.
            int limit = shapes.Count % 3 == 0 ? 300 : 48;
            shapes.Add((1 + rng.NextInt(limit), 1 + rng.NextInt(limit), 1 + rng.NextInt(limit)));
        }
        return shapes.ToArray();
    }

    /// <summary>(α, β, C starts as NaN) variants, cycled over the shapes.</summary>
    private static readonly (double Alpha, double Beta, bool NaNInC)[] Scalings =
    [
        (1, 0, false), (1, 1, false), (-0.5, 2, false), (2.5, -1, false), (1, 0, true), (0.75, 0.5, false),
    ];

    /// <summary>
    /// Every code path: automatic choice, the packed loop nest on every micro-kernel family (forcing one
    /// the hardware lacks runs it in software: slow, still exact), and the direct small-product path
    /// (one implementation; also with the scalar path forced), each forced on every shape whatever its size.
    /// </summary>
    private static readonly (GemmPath Path, GemmStrategy Strategy)[] AllRoutes =
    [
        (GemmPath.Auto, GemmStrategy.Auto),
        (GemmPath.Avx512, GemmStrategy.Packed), (GemmPath.Avx2, GemmStrategy.Packed), (GemmPath.Scalar, GemmStrategy.Packed),
        (GemmPath.Auto, GemmStrategy.Direct), (GemmPath.Scalar, GemmStrategy.Direct),
    ];

    [Theory]
    [InlineData(Precision.Single)]
    [InlineData(Precision.Double)]
    public void Multiply_MatchesNaiveReference_OnSeededShapes_OnEveryPath(Precision precision)
    {
        var rng = new Rng(7);
        for (int s = 0; s < Shapes.Length; s++)
        {
            var (m, n, k) = Shapes[s];
            for (int t = 0; t < 4; t++)
            {
                var (alpha, beta, nanInC) = Scalings[(s + t) % Scalings.Length];
                var problem = Problem.Random(rng, t >= 2, t % 2 == 1, m, n, k, alpha, beta, nanInC, padded: (s + t) % 3 != 0);
                double[] expected = problem.Reference(out double[] bound);
                foreach (var (path, strategy) in AllRoutes)
                    WithPath(path, strategy, () => problem.Check(precision, expected, bound, $"path {path}, strategy {strategy}"));
            }
        }
    }

    /// <summary>
    /// The calls Linear makes in the 2-16-16-1 MLP at batch 100 and the small ones of the
    /// 784-256-128-10 MLP at batch 64 (forward x·Wᵀ, ∂x = δ·W, ∂W = δᵀ·x), in every transpose combination.
    /// </summary>
    private static readonly (int M, int N, int K)[] MlpShapes =
    [
        (100, 16, 2), (16, 2, 100), (100, 16, 16), (16, 16, 100), (100, 1, 16), (100, 16, 1), (1, 16, 100),
        (64, 10, 128), (64, 128, 10), (10, 128, 64),
    ];

    [Theory]
    [InlineData(Precision.Single)]
    [InlineData(Precision.Double)]
    public void Multiply_MatchesNaiveReference_OnMlpShapes_OnEveryPath(Precision precision)
    {
        var rng = new Rng(8);
        foreach (var (m, n, k) in MlpShapes)
            for (int t = 0; t < 4; t++)
            {
                var problem = Problem.Random(rng, t >= 2, t % 2 == 1, m, n, k, alpha: 1, beta: t % 2, nanInC: t % 2 == 0, padded: t == 3);
                double[] expected = problem.Reference(out double[] bound);
                foreach (var (path, strategy) in AllRoutes)
                    WithPath(path, strategy, () => problem.Check(precision, expected, bound, $"path {path}, strategy {strategy}"));
            }
    }

    [Theory]
    [InlineData(Precision.Single)]
    [InlineData(Precision.Double)]
    public void Multiply_KIsZero_ScalesCByBeta(Precision precision)
    {
        var rng = new Rng(11);
        foreach (double beta in new[] { 0.0, 1.0, -3.0 })
        {
            var problem = Problem.Random(rng, false, true, 5, 9, 0, alpha: 2, beta, nanInC: beta == 0, padded: true);
            problem.Check(precision, "k = 0");
        }
    }

    [Theory]
    [InlineData(Precision.Single)]
    [InlineData(Precision.Double)]
    public void Multiply_AlphaIsZero_DoesNotReadAOrB(Precision precision)
    {
        var rng = new Rng(12);
        var problem = Problem.Random(rng, true, false, 33, 20, 17, alpha: 0, beta: 2, nanInC: false, padded: true);
        Array.Fill(problem.A, double.NaN);
        Array.Fill(problem.B, double.PositiveInfinity);
        double[] c = problem.Run(precision);
        for (int i = 0; i < problem.M; i++)
            for (int j = 0; j < problem.N; j++)
                Assert.Equal(2 * problem.C[i * problem.Ldc + j], c[i * problem.Ldc + j], 1e-6);
    }

    [Theory]
    [InlineData("Avx512", "Packed", Precision.Single)]
    [InlineData("Avx2", "Packed", Precision.Single)]
    [InlineData("Avx2", "Packed", Precision.Double)]
    [InlineData("Scalar", "Packed", Precision.Double)]
    [InlineData("Auto", "Direct", Precision.Single)]
    [InlineData("Auto", "Direct", Precision.Double)]
    [InlineData("Scalar", "Direct", Precision.Single)]
    public void Multiply_BetaIsZero_IgnoresNaNAndInfinityInC(string path, string strategy, Precision precision)
    {
        var rng = new Rng(13);
        WithPath(Enum.Parse<GemmPath>(path), Enum.Parse<GemmStrategy>(strategy), () =>
        {
            // 70×50 covers full tiles and ragged edge tiles of every kernel; 200×200×64 goes parallel.
            foreach (var (m, n, k) in new[] { (70, 50, 9), (200, 200, 64) })
            {
                var problem = Problem.Random(rng, false, false, m, n, k, alpha: 1, beta: 0, nanInC: true, padded: true);
                for (int i = 0; i < m; i++)
                    for (int j = i % 2; j < n; j += 2) problem.C[i * problem.Ldc + j] = double.NegativeInfinity;
                double[] c = problem.Run(precision);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                        Assert.True(double.IsFinite(c[i * problem.Ldc + j]), $"C[{i},{j}] = {c[i * problem.Ldc + j]} at {m}×{n}×{k}");
                problem.Check(precision, $"β = 0, path {path}");
            }
        });
    }

    [Theory]
    [InlineData(Precision.Single)]
    [InlineData(Precision.Double)]
    public void Multiply_BetaIsOne_Accumulates(Precision precision)
    {
        // Two products summed into one C equal the product of the concatenated operands.
        var rng = new Rng(14);
        int m = 45, n = 38, k1 = 30, k2 = 61;
        var first = Problem.Random(rng, false, false, m, n, k1, 1, 0, nanInC: false, padded: false);
        var second = Problem.Random(rng, false, false, m, n, k2, 1, 1, nanInC: false, padded: false);
        double[] c = first.Run(precision);
        var accumulate = second with { C = c };
        double[] sum = accumulate.Run(precision);
        var joined = Problem.Concatenate(first, second);
        double[] expected = joined.Reference(out double[] bound);
        for (int i = 0; i < sum.Length; i++)
            Assert.True(Math.Abs(sum[i] - expected[i]) <= joined.Tolerance(precision, bound[i]),
                $"C[{i}] = {sum[i]}, expected {expected[i]}");
    }

    [Fact]
    public void Multiply_EmptyOutput_IsANoOp()
    {
        float[] c = [1, 2, 3];
        Gemm.Multiply(false, false, 0, 3, 4, 1f, [], 4, new float[12], 3, 0f, c, 3);
        Gemm.Multiply(false, false, 1, 0, 4, 1f, new float[4], 4, [], 1, 0f, c, 1);
        Assert.Equal([1f, 2f, 3f], c);
    }

    [Fact]
    public void Multiply_TwoThreadsAtOnce_BothCorrect()
    {
        // Large products (parallel inside) from two threads at once share no packing buffers.
        var rng = new Rng(15);
        var problems = new[]
        {
            Problem.Random(rng, false, true, 280, 300, 290, 1, 0, nanInC: false, padded: true),
            Problem.Random(rng, true, false, 300, 256, 270, -1, 0.5, nanInC: false, padded: false),
        };
        var precisions = new[] { Precision.Single, Precision.Double };
        var failures = new string?[2];
        var threads = new Thread[2];
        for (int t = 0; t < 2; t++)
        {
            int id = t;
            threads[t] = new Thread(() =>
            {
                try
                {
                    for (int repeat = 0; repeat < 4; repeat++)
                        problems[id].Check(precisions[(id + repeat) % 2], $"thread {id}, repeat {repeat}");
                }
                catch (Exception e) { failures[id] = e.Message; }
            });
            threads[t].Start();
        }
        foreach (var thread in threads) thread.Join();
        Assert.Null(failures[0]);
        Assert.Null(failures[1]);
    }

    [Theory]
    [InlineData("Packed")]
    [InlineData("Direct")]
    public void Multiply_SteadyState_AllocatesNothing(string strategy)
    {
        // Below the parallel threshold the call runs on this thread with its reused packing buffers.
        float[] a = new float[40 * 30], b = new float[30 * 50], c = new float[40 * 50];
        Array.Fill(a, 0.5f);
        Array.Fill(b, 2f);
        long allocated = 0;
        WithPath(GemmPath.Auto, Enum.Parse<GemmStrategy>(strategy), () =>
            allocated = AllocationCounter.LeastPerBatch(() => Gemm.Multiply(false, true, 40, 50, 30, 1f, a, 30, b, 30, 0f, c, 50)));
        Assert.Equal(0, allocated);
        Assert.All(c, x => Assert.Equal(30f, x));
    }

    [Fact]
    public void Multiply_SkinnyProduct_IsCorrect_WithoutAHugeCopyOfB()
    {
        // m = n = 1, k = 2¹⁹ is within the direct path's work threshold, but copying B padded to whole
        // vectors would grow the thread's buffer to k·W elements: such products must go packed.
        const int k = 1 << 19;
        float[] a = new float[k], b = new float[k], c = [5f];
        for (int q = 0; q < k; q++) { a[q] = (q % 7) - 3; b[q] = (q % 5) - 2; }
        double expected = 0;
        for (int q = 0; q < k; q++) expected += (double)a[q] * b[q];
        int capacity = 0;
        var thread = new Thread(() =>
        {
            Gemm.Multiply(false, false, 1, 1, k, 1f, a, k, b, 1, 0f, c, 1);
            capacity = GemmBuffers<float>.PackedBCapacity;
        });
        thread.Start();
        thread.Join();
        Assert.Equal(expected, c[0], 1e-6 * k);
        Assert.True(capacity < k, $"packed-B buffer grew to {capacity} elements for a 1×1×{k} product");
    }

    [Fact]
    public void Multiply_ShortSpans_ThrowWithShapesAndLengths()
    {
        // A is 4×3 (m×k), B is 3×5, C is 4×5.
        var a = new float[12];
        var b = new float[15];
        var c = new float[20];
        var shortA = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 4, 5, 3, 1f, a.AsSpan(0, 11), 3, b, 5, 0f, c, 5));
        Assert.Contains("Gemm", shortA.Message);
        Assert.Contains("m = 4, n = 5, k = 3", shortA.Message);
        Assert.Contains("12", shortA.Message);
        Assert.Contains("11", shortA.Message);
        Assert.Equal("a", shortA.ParamName);

        // Transposed B is stored 5×3 with ldb = 4: needs 4·4 + 3 = 19 elements.
        var shortB = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, true, 4, 5, 3, 1f, a, 3, b.AsSpan(), 4, 0f, c, 5));
        Assert.Contains("19", shortB.Message);
        Assert.Contains("15", shortB.Message);
        Assert.Equal("b", shortB.ParamName);

        var shortC = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 4, 5, 3, 1.0, new double[12], 3, new double[15], 5, 0.0, new double[22], 6));
        Assert.Contains("23", shortC.Message);
        Assert.Contains("22", shortC.Message);
        Assert.Equal("c", shortC.ParamName);
    }

    [Fact]
    public void Multiply_LeadingDimensionTooSmall_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(true, false, 4, 5, 3, 1f, new float[100], 3, new float[100], 5, 0f, new float[100], 5));
        Assert.Contains("Gemm", e.Message);
        Assert.Contains("lda", e.Message);
        Assert.Contains("at least 4", e.Message);

        var negative = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply(false, false, 2, -1, 3, 1.0, new double[6], 3, new double[6], 2, 0.0, new double[4], 2));
        Assert.Contains("n = -1", negative.Message);
    }

    private static void WithPath(GemmPath path, Action body) => WithPath(path, GemmStrategy.Auto, body);

    private static void WithPath(GemmPath path, GemmStrategy strategy, Action body)
    {
        GemmPath savedPath = Gemm.ForcedPath;
        GemmStrategy savedStrategy = Gemm.ForcedStrategy;
        Gemm.ForcedPath = path;
        Gemm.ForcedStrategy = strategy;
        try { body(); }
        finally { Gemm.ForcedPath = savedPath; Gemm.ForcedStrategy = savedStrategy; }
    }

    /// <summary>One GEMM case; all data is held as doubles that are exactly representable as floats.</summary>
    private sealed record Problem(bool TransposeA, bool TransposeB, int M, int N, int K, double Alpha,
        double[] A, int Lda, double[] B, int Ldb, double Beta, double[] C, int Ldc)
    {
        public static Problem Random(Rng rng, bool transposeA, bool transposeB, int m, int n, int k,
            double alpha, double beta, bool nanInC, bool padded)
        {
            int Pad() => padded ? 1 + rng.NextInt(5) : 0;
            int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
            int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
            int lda = Math.Max(1, aCols + Pad()), ldb = Math.Max(1, bCols + Pad()), ldc = Math.Max(1, n + Pad());
            double[] a = Fill(rng, aRows, aCols, lda, double.NaN);
            double[] b = Fill(rng, bRows, bCols, ldb, double.NaN);
            double[] c = Fill(rng, m, n, ldc, PaddingSentinel);
            if (nanInC)
                for (int i = 0; i < m; i++) Array.Fill(c, double.NaN, i * ldc, n);
            return new Problem(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }

        /// <summary>Random entries in [-1, 1) inside the rows×cols window, <paramref name="padding"/> outside it.</summary>
        private static double[] Fill(Rng rng, int rows, int cols, int ld, double padding)
        {
            var data = new double[rows == 0 ? 0 : (rows - 1) * ld + cols];
            Array.Fill(data, padding);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    data[i * ld + j] = (float)rng.Uniform(-1, 1);
            return data;
        }

        /// <summary>The product of [first | second] along k (both untransposed, unpadded), with second's β.</summary>
        public static Problem Concatenate(Problem first, Problem second)
        {
            int m = first.M, n = first.N, k = first.K + second.K;
            var a = new double[m * k];
            var b = new double[k * n];
            for (int i = 0; i < m; i++)
            {
                Array.Copy(first.A, i * first.K, a, i * k, first.K);
                Array.Copy(second.A, i * second.K, a, i * k + first.K, second.K);
            }
            Array.Copy(first.B, 0, b, 0, first.K * n);
            Array.Copy(second.B, 0, b, first.K * n, second.K * n);
            return new Problem(false, false, m, n, k, 1, a, k, b, n, 0, new double[m * n], n);
        }

        /// <summary>op(A) as a dense m×k array and op(B)ᵀ as a dense n×k array (plain copies, for the reference).</summary>
        private (double[] OpA, double[] OpBT) Dense()
        {
            var opA = new double[M * K];
            var opBT = new double[N * K];
            for (int p = 0; p < K; p++)
            {
                for (int i = 0; i < M; i++) opA[i * K + p] = TransposeA ? A[p * Lda + i] : A[i * Lda + p];
                for (int j = 0; j < N; j++) opBT[j * K + p] = TransposeB ? B[j * Ldb + p] : B[p * Ldb + j];
            }
            return (opA, opBT);
        }

        /// <summary>The naive triple loop, and per element the bound |α|·Σ|a·b| + |β·c| that scales rounding error.</summary>
        public double[] Reference(out double[] bound)
        {
            var (opA, opBT) = Dense();
            var c = (double[])C.Clone();
            bound = new double[C.Length];
            for (int i = 0; i < M; i++)
                for (int j = 0; j < N; j++)
                {
                    ReadOnlySpan<double> row = opA.AsSpan(i * K, K), column = opBT.AsSpan(j * K, K);
                    double sum = 0, magnitude = 0;
                    for (int p = 0; p < row.Length; p++)
                    {
                        double product = row[p] * column[p];
                        sum += product;
                        magnitude += Math.Abs(product);
                    }
                    double old = Beta == 0 ? 0 : Beta * C[i * Ldc + j];
                    c[i * Ldc + j] = Alpha * sum + old;
                    bound[i * Ldc + j] = Math.Abs(Alpha) * magnitude + Math.Abs(old);
                }
            return c;
        }

        /// <summary>
        /// Rounding-error allowance: a k-term dot product plus the α and β updates is off by at most
        /// (k + 2)·u·bound (u the unit roundoff), with a 4× margin; a wrong term is far outside it.
        /// </summary>
        public double Tolerance(Precision precision, double bound)
        {
            double u = precision == Precision.Single ? Math.Pow(2, -24) : Math.Pow(2, -53);
            return 4 * (K + 2) * u * bound + double.Epsilon;
        }

        /// <summary>Runs Gemm in <paramref name="precision"/> and returns C (widened to double).</summary>
        public double[] Run(Precision precision)
        {
            if (precision == Precision.Double)
            {
                var c = (double[])C.Clone();
                Gemm.Multiply(TransposeA, TransposeB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc);
                return c;
            }
            float[] a = Array.ConvertAll(A, x => (float)x), b = Array.ConvertAll(B, x => (float)x), cs = Array.ConvertAll(C, x => (float)x);
            Gemm.Multiply(TransposeA, TransposeB, M, N, K, (float)Alpha, a, Lda, b, Ldb, (float)Beta, cs, Ldc);
            return Array.ConvertAll(cs, x => (double)x);
        }

        /// <summary>Runs Gemm and asserts every element of C, including the untouched padding.</summary>
        public void Check(Precision precision, string context) =>
            Check(precision, Reference(out double[] bound), bound, context);

        /// <summary>Runs Gemm and asserts every element of C against a precomputed reference.</summary>
        public void Check(Precision precision, double[] expected, double[] bound, string context)
        {
            double[] actual = Run(precision);
            for (int i = 0; i < actual.Length; i++)
            {
                int row = i / Ldc, col = i % Ldc;
                bool inside = col < N;
                double tolerance = inside ? Tolerance(precision, bound[i]) : 0;
                if (inside ? Math.Abs(actual[i] - expected[i]) <= tolerance : actual[i] == PaddingSentinel)
                    continue;
                Assert.Fail($"{context}, {precision}: {M}×{N}×{K}, transposeA = {TransposeA}, transposeB = {TransposeB}, " +
                    $"α = {Alpha}, β = {Beta}, lda = {Lda}, ldb = {Ldb}, ldc = {Ldc}: C[{row},{col}] = {actual[i]}, " +
                    $"expected {(inside ? expected[i] : PaddingSentinel)} (tolerance {tolerance:G3}).");
            }
        }
    }
}
