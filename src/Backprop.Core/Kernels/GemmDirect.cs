using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// The direct product for small problems, where packing panels, zero-padded edge tiles and a
/// thread handoff would cost more than the arithmetic: op(A) is read in place, and op(B) is used
/// in place when its rows are contiguous and a whole number of vectors wide, otherwise copied once
/// into a k × ⌈n/W⌉·W zero-padded buffer. Rows of C are computed four at a time, W or 2W columns
/// at a time. A narrow C (n &lt; W) is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ when A is transposed and m is a
/// multiple of W, and as dot products of stored rows when only B is.
/// <para>The rounding order is fixed by the shape alone, so results are bit-identical on every machine
/// (docs/reproducibility.md): each element's sum s of products runs by FMA in k order from 0 — in one
/// chain, or, in the last vector of a row, in two chains (even and odd k) added at the end, or, for the
/// dot products, in W lanes folded in a fixed tree and then the tail by FMA — and C ← α·s (β = 0) or
/// fma(s, α, β·C). The kernels are on <c>Vector256</c> (without 256-bit hardware .NET runs them in software,
/// with the same bits); on the AVX-512 path, pairs of those vectors run as one <c>Vector512</c>
/// (GemmDirect.Wide.cs), lane for lane the same chains.</para>
/// </summary>
internal static unsafe partial class GemmDirect<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Products with m·n·k at or below this (2¹⁹ ≈ 80³) take the direct path. Measured on AVX2 (Zen 1):
    /// direct is 2–3× faster than packed up to the 2-16-16-1 MLP's shapes, 1.5–2.5× on the MLP's
    /// 10-wide layers (64·10·128 up to 256·10·128), about even at 256·128·10, and 5–15 % slower
    /// than packed at 2 M (64·128·256), where packing has something to amortise.
    /// </summary>
    public const long Threshold = 1L << 19;

    /// <summary>
    /// At most this many elements of op(B), padded to whole vectors (k·⌈n/W⌉·W), are copied: a skinny
    /// product (n = 1, huge k) within <see cref="Threshold"/> would otherwise grow the thread's packing
    /// buffer to megabytes and spend most of its multiply-adds on padding. Such products go packed.
    /// </summary>
    public const long CopyLimit = 1L << 16;

    /// <summary>
    /// A product with at most this many rows of C (a single sample, a batch of a few) takes the direct path up to
    /// <see cref="FewRowsLimit"/> when it reads op(B) in place: packing would copy all of op(B) to use each element only m times. On a 2-core
    /// Zen 4: x·Wᵀ at 1·256·784 took 42 µs packed, 1·128·256 26 µs through the transposed copy of op(B).
    /// </summary>
    public const int FewRows = 4;

    /// <summary>
    /// The largest few-row product (m·n·k) taken directly: the direct path uses at most two cores (dot products one),
    /// and past this a packed product split over every core should win on machines with more than two (a guess: only a
    /// 2-core machine was measured). 1·4096·1024 is at the limit.
    /// </summary>
    public const long FewRowsLimit = 1L << 22;

    /// <summary>Whether <paramref name="p"/> takes the direct path: small enough, or few rows with op(B) read in place.</summary>
    public static bool Suits(in GemmProblem<T> p) =>
        p.M <= FewRows && (DotProducts(p) || (!p.TransposeB && p.N % W == 0)) && (long)p.M * p.N * p.K <= FewRowsLimit ||
        (long)p.M * p.N * p.K <= Threshold && (long)p.K * GemmBlocking.RoundUp(p.N, W) <= CopyLimit;

    /// <summary>Whether <see cref="Run(in GemmProblem{T}, bool)"/> computes <paramref name="p"/> as dot products of stored rows (A untransposed, B
    /// transposed, k at least a vector): for a C narrower than a vector, or with few rows.</summary>
    private static bool DotProducts(in GemmProblem<T> p) =>
        !p.TransposeA && p.TransposeB && p.K >= W && (p.N < W || p.M <= FewRows);

    private static int W => Vector256<T>.Count;

    /// <summary>Runs <paramref name="p"/> (k ≥ 1, α ≠ 0, m, n ≥ 1) on the kernels of the calling thread's path.</summary>
    public static void Run(in GemmProblem<T> p) => Run(p, Wide);

    /// <summary>Runs <paramref name="p"/> on the 512-bit kernels (<paramref name="wide"/>) or the 256-bit ones: the halves of
    /// a split product take the caller's choice, which <see cref="Gemm.ForcedPath"/> (per thread) may have set.</summary>
    private static void Run(in GemmProblem<T> p, bool wide)
    {
        if (p.N < W && p.TransposeA && p.M % W == 0) // m ≥ 1, so m is a non-zero multiple of W
            // Narrow C (n < W ≤ m) with op(A)ᵀ = A stored in whole vectors (∂W = δᵀ·x with few
            // inputs): compute Cᵀ = op(B)ᵀ·op(A)ᵀ, so vectors run along m instead of being mostly
            // padding along n, with A read in place; Cᵀ is stored into C with swapped strides.
            Vectors(new GemmProblem<T>(!p.TransposeB, !p.TransposeA, p.N, p.M, p.K, p.Alpha, p.B, p.Ldb, p.A, p.Lda, p.Beta, p.C, p.Ldc),
                transposedC: true, wide);
        else if (DotProducts(p))
            // Narrow C from x·Wᵀ (a layer with few outputs), or a few rows of it (a few samples): each C[i, j] is a
            // dot product of two contiguous rows, stored A row i and stored B row j, and op(B) is read once, in place.
            Dots(p);
        else
            Vectors(p, transposedC: false, wide);
    }

    /// <summary>C[i, j] = α·A[i, :]·B[j, :] + β·C[i, j] for untransposed A and transposed B: four rows of A against one row
    /// of B at a time, or, with fewer than four rows, one row of A against four rows of B (each dot product is computed
    /// alone either way, so the grouping does not change its bits).</summary>
    private static void Dots(in GemmProblem<T> p)
    {
        T* c = p.C;
        nint ldc = p.Ldc;
        if (p.M < 4)
        {
            for (int i = 0; i < p.M; i++)
            {
                T* a = p.A + i * p.Lda;
                for (int j0 = 0; j0 < p.N; j0 += 4)
                {
                    // Rows of B past n re-read the last one (valid memory); their results are not stored.
                    int cols = Math.Min(4, p.N - j0);
                    var d = FourDots<SharedA>(p.K, a, a, a, a, p.B + j0 * p.Ldb, p.B + Math.Min(j0 + 1, p.N - 1) * p.Ldb,
                        p.B + Math.Min(j0 + 2, p.N - 1) * p.Ldb, p.B + Math.Min(j0 + 3, p.N - 1) * p.Ldb);
                    T* row = c + i * ldc + j0;
                    StoreScalar(row, p.Alpha, p.Beta, d.D0);
                    if (cols > 1) StoreScalar(row + 1, p.Alpha, p.Beta, d.D1);
                    if (cols > 2) StoreScalar(row + 2, p.Alpha, p.Beta, d.D2);
                    if (cols > 3) StoreScalar(row + 3, p.Alpha, p.Beta, d.D3);
                }
            }
            return;
        }
        for (int j = 0; j < p.N; j++)
        {
            T* b = p.B + j * p.Ldb;
            for (int i0 = 0; i0 < p.M; i0 += 4)
            {
                // Rows of A past m re-read the last one (valid memory); their results are not stored.
                int rows = Math.Min(4, p.M - i0);
                var d = FourDots<SharedB>(p.K, p.A + i0 * p.Lda, p.A + Math.Min(i0 + 1, p.M - 1) * p.Lda,
                    p.A + Math.Min(i0 + 2, p.M - 1) * p.Lda, p.A + Math.Min(i0 + 3, p.M - 1) * p.Lda, b, b, b, b);
                T* column = c + i0 * ldc + j;
                StoreScalar(column, p.Alpha, p.Beta, d.D0);
                if (rows > 1) StoreScalar(column + ldc, p.Alpha, p.Beta, d.D1);
                if (rows > 2) StoreScalar(column + 2 * ldc, p.Alpha, p.Beta, d.D2);
                if (rows > 3) StoreScalar(column + 3 * ldc, p.Alpha, p.Beta, d.D3);
            }
        }
    }

    /// <summary>Four dot products of length <paramref name="k"/>, aₜ·bₜ: each in W lanes by FMA in k order, the lanes folded
    /// in FixedOrder's tree, then the tail by FMA in order. <typeparamref name="TShared"/> says which side is one row for
    /// all four (<see cref="SharedA"/>: a0 = … = a3; <see cref="SharedB"/>: b0 = … = b3), loaded once per step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T D0, T D1, T D2, T D3) FourDots<TShared>(int k, T* a0, T* a1, T* a2, T* a3, T* b0, T* b1, T* b2, T* b3)
        where TShared : struct
    {
        int vectorEnd = k / W * W;
        Vector256<T> s0 = default, s1 = default, s2 = default, s3 = default;
        for (int q = 0; q < vectorEnd; q += W)
        {
            if (typeof(TShared) == typeof(SharedA))
            {
                Vector256<T> a = Vector256.Load(a0 + q);
                s0 = VectorFma.MulAdd(a, Vector256.Load(b0 + q), s0);
                s1 = VectorFma.MulAdd(a, Vector256.Load(b1 + q), s1);
                s2 = VectorFma.MulAdd(a, Vector256.Load(b2 + q), s2);
                s3 = VectorFma.MulAdd(a, Vector256.Load(b3 + q), s3);
            }
            else
            {
                Vector256<T> b = Vector256.Load(b0 + q);
                s0 = VectorFma.MulAdd(Vector256.Load(a0 + q), b, s0);
                s1 = VectorFma.MulAdd(Vector256.Load(a1 + q), b, s1);
                s2 = VectorFma.MulAdd(Vector256.Load(a2 + q), b, s2);
                s3 = VectorFma.MulAdd(Vector256.Load(a3 + q), b, s3);
            }
        }
        // Vector256.Sum's order differs between hardware and software: a fixed tree instead.
        T d0 = FixedOrder.Sum(s0), d1 = FixedOrder.Sum(s1), d2 = FixedOrder.Sum(s2), d3 = FixedOrder.Sum(s3);
        for (int q = vectorEnd; q < k; q++)
        {
            d0 = T.FusedMultiplyAdd(a0[q], b0[q], d0); d1 = T.FusedMultiplyAdd(a1[q], b1[q], d1);
            d2 = T.FusedMultiplyAdd(a2[q], b2[q], d2); d3 = T.FusedMultiplyAdd(a3[q], b3[q], d3);
        }
        return (d0, d1, d2, d3);
    }

    /// <summary>Marks <see cref="FourDots{TShared}"/> with one row of A for four of B.</summary>
    private struct SharedA;

    /// <summary>Marks <see cref="FourDots{TShared}"/> with four rows of A for one of B.</summary>
    private struct SharedB;

    /// <summary>C ← α·d (β = 0: C is not read) or fma(d, α, β·C) for one element, as the vector stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreScalar(T* c, T alpha, T beta, T d) => *c = beta == T.Zero ? alpha * d : T.FusedMultiplyAdd(d, alpha, beta * *c);

    /// <summary>
    /// The vector product; with <paramref name="transposedC"/>, element [i, j] of the product goes to
    /// C[j·ldc + i] (the caller passed the transposed problem).
    /// </summary>
    private static void Vectors(in GemmProblem<T> p, bool transposedC, bool wide)
    {
        T* b = p.B;
        nint ldb = p.Ldb;
        int width = GemmBlocking.RoundUp(p.N, W);
        if (p.TransposeB || width != p.N)
        {
            // op(B)[q, j] copied to b[q·width + j], columns n..width zero.
            b = GemmBuffers<T>.PackedB(p.K * width);
            ldb = width;
            for (int q = 0; q < p.K; q++)
            {
                T* row = b + q * ldb;
                if (p.TransposeB)
                    for (int j = 0; j < p.N; j++) row[j] = p.B[j * p.Ldb + q];
                else
                    Unsafe.CopyBlockUnaligned(row, p.B + q * p.Ldb, (uint)(p.N * sizeof(T)));
                for (int j = p.N; j < width; j++) row[j] = T.Zero;
            }
        }
        // op(A)[i, q] = a[i·rowStep + q·depthStep].
        nint rowStep = p.TransposeA ? 1 : p.Lda, depthStep = p.TransposeA ? p.Lda : 1;
        // Element [i, j] of the product is C[i·cRow + j·cColumn].
        nint cRow = transposedC ? 1 : p.Ldc, cColumn = transposedC ? p.Ldc : 1;
        // Hook: 512-bit kernels on AVX-512 (GemmDirect.Rows.cs, GemmDirect.Wide.cs), the same chains and bits.
        AllRows(new RowBlocks(p, b, ldb, width, rowStep, depthStep, cRow, cColumn), wide);
    }

    /// <summary>Rows [<paramref name="from"/>, <paramref name="to"/>) of <see cref="Vectors"/>' product, four at a
    /// time (<paramref name="from"/> a multiple of four).</summary>
    private static void NarrowRows(in RowBlocks r, int from, int to)
    {
        GemmProblem<T> p = r.P;
        T* b = r.B;
        nint ldb = r.Ldb, rowStep = r.RowStep, depthStep = r.DepthStep, cRow = r.CRow, cColumn = r.CColumn;
        int width = r.Width;
        for (int i0 = from; i0 < to; i0 += 4)
        {
            int rows = Math.Min(4, p.M - i0);
            // Rows past m re-read the last row (valid memory); their results are not stored.
            T* a0 = p.A + i0 * rowStep;
            T* a1 = p.A + Math.Min(i0 + 1, p.M - 1) * rowStep;
            T* a2 = p.A + Math.Min(i0 + 2, p.M - 1) * rowStep;
            T* a3 = p.A + Math.Min(i0 + 3, p.M - 1) * rowStep;
            T* c = p.C + i0 * cRow;
            int j = 0;
            for (; j + 2 * W <= width; j += 2 * W)
                FourRowsTwoVectors(p.K, a0, a1, a2, a3, depthStep, b + j, ldb, c + j * cColumn, cRow, cColumn, rows, Math.Min(2 * W, p.N - j), p.Alpha, p.Beta);
            if (j < width)
                FourRowsOneVector(p.K, a0, a1, a2, a3, depthStep, b + j, ldb, c + j * cColumn, cRow, cColumn, rows, p.N - j, p.Alpha, p.Beta);
        }
    }

    /// <summary>C[i0.., j..] for up to 4 rows × 2W columns: 8 accumulators, two B loads and four broadcasts per step.</summary>
    private static void FourRowsTwoVectors(int k, T* a0, T* a1, T* a2, T* a3, nint depthStep, T* b, nint ldb,
        T* c, nint ldc, nint cColumn, int rows, int cols, T alpha, T beta)
    {
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<T> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int q = 0; q < k; q++, b += ldb)
        {
            Vector256<T> b0 = Vector256.Load(b), b1 = Vector256.Load(b + W);
            nint at = q * depthStep;
            Vector256<T> x = Vector256.Create(a0[at]);
            c00 = VectorFma.MulAdd(x, b0, c00); c01 = VectorFma.MulAdd(x, b1, c01);
            x = Vector256.Create(a1[at]);
            c10 = VectorFma.MulAdd(x, b0, c10); c11 = VectorFma.MulAdd(x, b1, c11);
            x = Vector256.Create(a2[at]);
            c20 = VectorFma.MulAdd(x, b0, c20); c21 = VectorFma.MulAdd(x, b1, c21);
            x = Vector256.Create(a3[at]);
            c30 = VectorFma.MulAdd(x, b0, c30); c31 = VectorFma.MulAdd(x, b1, c31);
        }
        if (rows == 4 && cols == 2 * W && cColumn == 1 && beta == T.Zero && alpha == T.One)
        {
            // The whole block with α = 1, β = 0 (1·s = s): eight plain stores, without the per-row checks, which with
            // a short k cost about as much as the multiply-adds.
            Vector256.Store(c00, c); Vector256.Store(c01, c + W);
            Vector256.Store(c10, c + ldc); Vector256.Store(c11, c + ldc + W);
            Vector256.Store(c20, c + 2 * ldc); Vector256.Store(c21, c + 2 * ldc + W);
            Vector256.Store(c30, c + 3 * ldc); Vector256.Store(c31, c + 3 * ldc + W);
            return;
        }
        Store(c, cColumn, cols, alpha, beta, c00, c01);
        if (rows > 1) Store(c + ldc, cColumn, cols, alpha, beta, c10, c11);
        if (rows > 2) Store(c + 2 * ldc, cColumn, cols, alpha, beta, c20, c21);
        if (rows > 3) Store(c + 3 * ldc, cColumn, cols, alpha, beta, c30, c31);
    }

    /// <summary>
    /// C[i0.., j..] for up to 4 rows × W columns (the last, possibly partial, vector of a row). Even and
    /// odd steps along k go to separate accumulators, so eight FMA chains hide the FMA latency.
    /// </summary>
    private static void FourRowsOneVector(int k, T* a0, T* a1, T* a2, T* a3, nint depthStep, T* b, nint ldb,
        T* c, nint ldc, nint cColumn, int rows, int cols, T alpha, T beta)
    {
        Vector256<T> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector256<T> d0 = default, d1 = default, d2 = default, d3 = default;
        int q = 0;
        nint at = 0;
        for (; q + 1 < k; q += 2, b += 2 * ldb, at += 2 * depthStep)
        {
            Vector256<T> b0 = Vector256.Load(b), b1 = Vector256.Load(b + ldb);
            c0 = VectorFma.MulAdd(Vector256.Create(a0[at]), b0, c0);
            c1 = VectorFma.MulAdd(Vector256.Create(a1[at]), b0, c1);
            c2 = VectorFma.MulAdd(Vector256.Create(a2[at]), b0, c2);
            c3 = VectorFma.MulAdd(Vector256.Create(a3[at]), b0, c3);
            d0 = VectorFma.MulAdd(Vector256.Create(a0[at + depthStep]), b1, d0);
            d1 = VectorFma.MulAdd(Vector256.Create(a1[at + depthStep]), b1, d1);
            d2 = VectorFma.MulAdd(Vector256.Create(a2[at + depthStep]), b1, d2);
            d3 = VectorFma.MulAdd(Vector256.Create(a3[at + depthStep]), b1, d3);
        }
        if (q < k)
        {
            Vector256<T> b0 = Vector256.Load(b);
            c0 = VectorFma.MulAdd(Vector256.Create(a0[at]), b0, c0);
            c1 = VectorFma.MulAdd(Vector256.Create(a1[at]), b0, c1);
            c2 = VectorFma.MulAdd(Vector256.Create(a2[at]), b0, c2);
            c3 = VectorFma.MulAdd(Vector256.Create(a3[at]), b0, c3);
        }
        Store(c, cColumn, cols, alpha, beta, c0 + d0);
        if (rows > 1) Store(c + ldc, cColumn, cols, alpha, beta, c1 + d1);
        if (rows > 2) Store(c + 2 * ldc, cColumn, cols, alpha, beta, c2 + d2);
        if (rows > 3) Store(c + 3 * ldc, cColumn, cols, alpha, beta, c3 + d3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, nint step, int cols, T alpha, T beta, Vector256<T> acc0, Vector256<T> acc1)
    {
        Store(c, step, cols, alpha, beta, acc0);
        if (cols > W) Store(c + W * step, step, cols - W, alpha, beta, acc1);
    }

    /// <summary>
    /// The first <paramref name="cols"/> (≤ W, or more meaning all W) elements of a row of the product,
    /// <paramref name="step"/> apart in C: C ← α·acc + β·C; C is not read when β = 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, nint step, int cols, T alpha, T beta, Vector256<T> acc)
    {
        if (step != 1)
        {
            for (int j = 0; j < Math.Min(cols, W); j++, c += step) StoreScalar(c, alpha, beta, acc.GetElement(j));
            return;
        }
        if (cols >= W)
        {
            Vector256<T> scaled = beta == T.Zero
                ? (alpha == T.One ? acc : Vector256.Create(alpha) * acc)   // 1·s = s exactly
                : VectorFma.MulAdd(acc, Vector256.Create(alpha), Vector256.Create(beta) * Vector256.Load(c));
            Vector256.Store(scaled, c);
            return;
        }
        for (int j = 0; j < cols; j++) StoreScalar(c + j, alpha, beta, acc.GetElement(j));
    }
}
