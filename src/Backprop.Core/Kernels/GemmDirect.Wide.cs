using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// The direct product's 512-bit kernels, for skinny products (a few columns of C, or a short k) on AVX-512
/// machines: a 512-bit vector holds the pair of 256-bit vectors that <see cref="NarrowRows"/> computes together,
/// so each step is half the instructions, and rows go eight at a time, the broadcast of op(A) shared by
/// two vectors of op(B). The chains are the 256-bit ones, element by element: the sum of each element of the
/// vector pairs runs by FMA in k order from 0 in one chain, and the last, unpaired vector of a row still goes
/// through <see cref="FourRowsOneVector"/> (its even and odd chains), so the bits do not change
/// (docs/reproducibility.md).
/// </summary>
internal static unsafe partial class GemmDirect<T>
{
    /// <summary>Whether the calls on this thread use the 512-bit kernels: AVX-512 hardware, and the AVX-512 path
    /// (<see cref="Gemm.ForcedPath"/> set to another family keeps the 256-bit kernels, which tests compare with).</summary>
    private static bool Wide => GemmPaths.DirectWide;

    /// <summary>Rows [<paramref name="from"/>, <paramref name="to"/>) of <see cref="Vectors"/>' product for
    /// <see cref="Wide"/> (<paramref name="from"/> a multiple of eight): eight rows at a time, in each the columns
    /// four 256-bit vectors, then two, at a time, and the last single vector as before; a last group of four rows
    /// or fewer goes through the 256-bit kernels, so that no multiply-adds are spent on rows past m.</summary>
    private static void WideRows(in RowBlocks r, int from, int to)
    {
        GemmProblem<T> p = r.P;
        T* b = r.B;
        nint ldb = r.Ldb, depthStep = r.DepthStep, cRow = r.CRow, cColumn = r.CColumn;
        int width = r.Width, pair = 2 * W;
        for (int i0 = from; i0 < to; i0 += 8)
        {
            int rows = Math.Min(8, p.M - i0);
            if (rows <= 4)
            {
                NarrowRows(r, i0, to);
                return;
            }
            // Rows past m re-read the last row (valid memory); their results are not stored.
            var a = new Rows8(p.A, i0, p.M, r.RowStep);
            T* c = p.C + i0 * cRow;
            int j = 0;
            for (; j + 2 * pair <= width; j += 2 * pair)
                EightRowsTwoWide(p.K, a, depthStep, b + j, ldb, c + j * cColumn, cRow, cColumn, rows, Math.Min(2 * pair, p.N - j), p.Alpha, p.Beta);
            if (j + pair <= width)
            {
                EightRowsOneWide(p.K, a, depthStep, b + j, ldb, c + j * cColumn, cRow, cColumn, rows, Math.Min(pair, p.N - j), p.Alpha, p.Beta);
                j += pair;
            }
            if (j == width) continue;
            FourRowsOneVector(p.K, a.R0, a.R1, a.R2, a.R3, depthStep, b + j, ldb, c + j * cColumn, cRow, cColumn, 4, p.N - j, p.Alpha, p.Beta);
            FourRowsOneVector(p.K, a.R4, a.R5, a.R6, a.R7, depthStep, b + j, ldb, c + (4 * cRow + j * cColumn), cRow, cColumn, rows - 4, p.N - j, p.Alpha, p.Beta);
        }
    }

    /// <summary>The starts of eight rows of op(A) from row i0 (rows past m clamped to the last).</summary>
    private readonly struct Rows8(T* a, int i0, int m, nint rowStep)
    {
        public readonly T* R0 = a + i0 * rowStep, R1 = a + Math.Min(i0 + 1, m - 1) * rowStep,
            R2 = a + Math.Min(i0 + 2, m - 1) * rowStep, R3 = a + Math.Min(i0 + 3, m - 1) * rowStep,
            R4 = a + Math.Min(i0 + 4, m - 1) * rowStep, R5 = a + Math.Min(i0 + 5, m - 1) * rowStep,
            R6 = a + Math.Min(i0 + 6, m - 1) * rowStep, R7 = a + Math.Min(i0 + 7, m - 1) * rowStep;
    }

    /// <summary>C[i0.., j..] for up to 8 rows × 4W columns: 16 accumulators, two B loads and eight broadcasts per step.</summary>
    private static void EightRowsTwoWide(int k, in Rows8 a, nint depthStep, T* b, nint ldb, T* c, nint ldc, nint cColumn,
        int rows, int cols, T alpha, T beta)
    {
        T* a0 = a.R0, a1 = a.R1, a2 = a.R2, a3 = a.R3, a4 = a.R4, a5 = a.R5, a6 = a.R6, a7 = a.R7;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<T> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        int wide = 2 * W;
        nint at = 0;
        for (int q = 0; q < k; q++, b += ldb, at += depthStep)
        {
            Vector512<T> b0 = Vector512.Load(b), b1 = Vector512.Load(b + wide);
            Vector512<T> x = Vector512.Create(a0[at]);
            c00 = VectorFma.MulAdd(x, b0, c00); c01 = VectorFma.MulAdd(x, b1, c01);
            x = Vector512.Create(a1[at]);
            c10 = VectorFma.MulAdd(x, b0, c10); c11 = VectorFma.MulAdd(x, b1, c11);
            x = Vector512.Create(a2[at]);
            c20 = VectorFma.MulAdd(x, b0, c20); c21 = VectorFma.MulAdd(x, b1, c21);
            x = Vector512.Create(a3[at]);
            c30 = VectorFma.MulAdd(x, b0, c30); c31 = VectorFma.MulAdd(x, b1, c31);
            x = Vector512.Create(a4[at]);
            c40 = VectorFma.MulAdd(x, b0, c40); c41 = VectorFma.MulAdd(x, b1, c41);
            x = Vector512.Create(a5[at]);
            c50 = VectorFma.MulAdd(x, b0, c50); c51 = VectorFma.MulAdd(x, b1, c51);
            x = Vector512.Create(a6[at]);
            c60 = VectorFma.MulAdd(x, b0, c60); c61 = VectorFma.MulAdd(x, b1, c61);
            x = Vector512.Create(a7[at]);
            c70 = VectorFma.MulAdd(x, b0, c70); c71 = VectorFma.MulAdd(x, b1, c71);
        }
        if (rows == 8 && cols == 2 * wide && cColumn == 1 && beta == T.Zero && alpha == T.One)
        {
            // The common whole block (α = 1, β = 0): sixteen plain stores, without the per-row checks, which with a
            // short k cost about a third as much again as the multiply-adds (256·128·10).
            Vector512.Store(c00, c); Vector512.Store(c01, c + wide);
            Vector512.Store(c10, c + ldc); Vector512.Store(c11, c + ldc + wide);
            Vector512.Store(c20, c + 2 * ldc); Vector512.Store(c21, c + 2 * ldc + wide);
            Vector512.Store(c30, c + 3 * ldc); Vector512.Store(c31, c + 3 * ldc + wide);
            Vector512.Store(c40, c + 4 * ldc); Vector512.Store(c41, c + 4 * ldc + wide);
            Vector512.Store(c50, c + 5 * ldc); Vector512.Store(c51, c + 5 * ldc + wide);
            Vector512.Store(c60, c + 6 * ldc); Vector512.Store(c61, c + 6 * ldc + wide);
            Vector512.Store(c70, c + 7 * ldc); Vector512.Store(c71, c + 7 * ldc + wide);
            return;
        }
        StoreWide(c, cColumn, cols, alpha, beta, c00, c01);
        if (rows > 1) StoreWide(c + ldc, cColumn, cols, alpha, beta, c10, c11);
        if (rows > 2) StoreWide(c + 2 * ldc, cColumn, cols, alpha, beta, c20, c21);
        if (rows > 3) StoreWide(c + 3 * ldc, cColumn, cols, alpha, beta, c30, c31);
        if (rows > 4) StoreWide(c + 4 * ldc, cColumn, cols, alpha, beta, c40, c41);
        if (rows > 5) StoreWide(c + 5 * ldc, cColumn, cols, alpha, beta, c50, c51);
        if (rows > 6) StoreWide(c + 6 * ldc, cColumn, cols, alpha, beta, c60, c61);
        if (rows > 7) StoreWide(c + 7 * ldc, cColumn, cols, alpha, beta, c70, c71);
    }

    /// <summary>C[i0.., j..] for up to 8 rows × 2W columns: 8 accumulators, one B load and eight broadcasts per step.</summary>
    private static void EightRowsOneWide(int k, in Rows8 a, nint depthStep, T* b, nint ldb, T* c, nint ldc, nint cColumn,
        int rows, int cols, T alpha, T beta)
    {
        T* a0 = a.R0, a1 = a.R1, a2 = a.R2, a3 = a.R3, a4 = a.R4, a5 = a.R5, a6 = a.R6, a7 = a.R7;
        Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        nint at = 0;
        for (int q = 0; q < k; q++, b += ldb, at += depthStep)
        {
            Vector512<T> bq = Vector512.Load(b);
            c0 = VectorFma.MulAdd(Vector512.Create(a0[at]), bq, c0);
            c1 = VectorFma.MulAdd(Vector512.Create(a1[at]), bq, c1);
            c2 = VectorFma.MulAdd(Vector512.Create(a2[at]), bq, c2);
            c3 = VectorFma.MulAdd(Vector512.Create(a3[at]), bq, c3);
            c4 = VectorFma.MulAdd(Vector512.Create(a4[at]), bq, c4);
            c5 = VectorFma.MulAdd(Vector512.Create(a5[at]), bq, c5);
            c6 = VectorFma.MulAdd(Vector512.Create(a6[at]), bq, c6);
            c7 = VectorFma.MulAdd(Vector512.Create(a7[at]), bq, c7);
        }
        if (rows == 8 && cols == 2 * W && cColumn == 1 && beta == T.Zero && alpha == T.One)
        {
            // The whole block with α = 1, β = 0: plain stores (see EightRowsTwoWide).
            Vector512.Store(c0, c); Vector512.Store(c1, c + ldc); Vector512.Store(c2, c + 2 * ldc); Vector512.Store(c3, c + 3 * ldc);
            Vector512.Store(c4, c + 4 * ldc); Vector512.Store(c5, c + 5 * ldc); Vector512.Store(c6, c + 6 * ldc); Vector512.Store(c7, c + 7 * ldc);
            return;
        }
        StoreWide(c, cColumn, cols, alpha, beta, c0);
        if (rows > 1) StoreWide(c + ldc, cColumn, cols, alpha, beta, c1);
        if (rows > 2) StoreWide(c + 2 * ldc, cColumn, cols, alpha, beta, c2);
        if (rows > 3) StoreWide(c + 3 * ldc, cColumn, cols, alpha, beta, c3);
        if (rows > 4) StoreWide(c + 4 * ldc, cColumn, cols, alpha, beta, c4);
        if (rows > 5) StoreWide(c + 5 * ldc, cColumn, cols, alpha, beta, c5);
        if (rows > 6) StoreWide(c + 6 * ldc, cColumn, cols, alpha, beta, c6);
        if (rows > 7) StoreWide(c + 7 * ldc, cColumn, cols, alpha, beta, c7);
    }

    /// <summary>The first <paramref name="cols"/> (≤ 4W) elements of a row from two 512-bit accumulators, as the 256-bit stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreWide(T* c, nint step, int cols, T alpha, T beta, Vector512<T> acc0, Vector512<T> acc1)
    {
        StoreWide(c, step, Math.Min(cols, 2 * W), alpha, beta, acc0);
        if (cols > 2 * W) StoreWide(c + 2 * W * step, step, cols - 2 * W, alpha, beta, acc1);
    }

    /// <summary>The first <paramref name="cols"/> (≤ 2W) elements of a row from one 512-bit accumulator, as the 256-bit stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreWide(T* c, nint step, int cols, T alpha, T beta, Vector512<T> acc)
    {
        if (step == 1 && cols >= 2 * W && beta == T.Zero)
        {
            // A whole row segment with β = 0: one 512-bit store, lane for lane the two 256-bit ones (α·s, or s when α = 1).
            Vector512.Store(alpha == T.One ? acc : Vector512.Create(alpha) * acc, c);
            return;
        }
        Store(c, step, cols, alpha, beta, acc.GetLower(), acc.GetUpper());
    }
}
