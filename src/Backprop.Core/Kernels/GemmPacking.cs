using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>
/// Packing of op(A) and op(B) blocks into the contiguous panel layouts the micro-kernel streams.
/// Transposed operands are read in place with swapped strides; a transpose is never materialised.
/// Ragged edge panels are padded with zeros, which add nothing to the products.
/// </summary>
internal static unsafe partial class GemmPacking
{
    /// <summary>Elements written past the end of packed A (see <see cref="PackSixRows"/>).</summary>
    public const int PackedASlack = 8;

    /// <summary>
    /// Packs op(A)[ic..ic+mc, pc..pc+kc] into ⌈mc/MR⌉ panels; panel r holds rows r·MR.. as
    /// dst[p·MR + i] = op(A)[ic + r·MR + i, pc + p]. <paramref name="dst"/> needs
    /// <see cref="PackedASlack"/> elements after the last panel.
    /// </summary>
    public static void PackA<T, TKernel>(bool transpose, T* a, nint lda, int ic, int pc, int mc, int kc, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmMicroKernel<T>
    {
        int mr = TKernel.MR;
        if (transpose)
        {
            // op(A)[i, p] = A[p, i]: MR-wide pieces of the stored rows.
            PackRowPieces(a + pc * lda + ic, lda, kc, mc, mr, dst);
            return;
        }
        bool sixRowBlocks = mr == 6 && typeof(T) == typeof(float) && Avx.IsSupported;
        for (int i0 = 0; i0 < mc; i0 += mr, dst += mr * kc)
        {
            // op(A)[i, p] = A[i, p]: stored row ic + i0 + i is walked along p, written with stride MR.
            int rows = Math.Min(mr, mc - i0);
            T* src = a + (ic + i0) * lda + pc;
            if (rows == mr && sixRowBlocks)
            {
                // 6×8 blocks through registers; the last kc mod 8 columns go one by one.
                int p0 = 0;
                for (; p0 + 8 <= kc; p0 += 8)
                    PackSixRows((float*)(src + p0), lda, (float*)(dst + p0 * mr));
                for (int i = 0; i < mr; i++)
                    for (int p = p0; p < kc; p++) dst[p * mr + i] = src[i * lda + p];
                continue;
            }
            for (int i = 0; i < rows; i++, src += lda)
            {
                T* d = dst + i;
                for (int p = 0; p < kc; p++) d[p * mr] = src[p];
            }
            for (int i = rows; i < mr; i++)
                for (int p = 0; p < kc; p++) dst[p * mr + i] = T.Zero;
        }
    }

    /// <summary>
    /// Packs op(B)[pc..pc+kc, jc..jc+nc] into ⌈nc/NR⌉ panels; panel s holds columns s·NR.. as
    /// dst[p·NR + j] = op(B)[pc + p, jc + s·NR + j].
    /// </summary>
    public static void PackB<T, TKernel>(bool transpose, T* b, nint ldb, int pc, int jc, int kc, int nc, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmMicroKernel<T>
    {
        int nr = TKernel.NR;
        if (!transpose)
        {
            // op(B)[p, j] = B[p, j]: NR-wide pieces of the stored rows.
            PackRowPieces(b + pc * ldb + jc, ldb, kc, nc, nr, dst);
            return;
        }
        for (int j0 = 0; j0 < nc; j0 += nr, dst += nr * kc)
        {
            // op(B)[p, j] = B[j, p]: stored row jc + j0 + j is walked along p, written with stride NR.
            int cols = Math.Min(nr, nc - j0);
            T* src = b + (jc + j0) * ldb + pc;
            int w = Vector256<T>.Count;
            if (cols == nr && nr % w == 0 && CanTransposeBlock<T>())
            {
                // W×W blocks move through registers; the last kc mod W rows go one by one.
                int p0 = 0;
                for (; p0 + w <= kc; p0 += w)
                    for (int jb = 0; jb < nr; jb += w)
                        TransposeBlock(src + jb * ldb + p0, ldb, dst + p0 * nr + jb, nr);
                for (int j = 0; j < nr; j++)
                    for (int p = p0; p < kc; p++) dst[p * nr + j] = src[j * ldb + p];
                continue;
            }
            for (int j = 0; j < cols; j++, src += ldb)
            {
                T* d = dst + j;
                for (int p = 0; p < kc; p++) d[p * nr] = src[p];
            }
            for (int j = cols; j < nr; j++)
                for (int p = 0; p < kc; p++) dst[p * nr + j] = T.Zero;
        }
    }

    /// <summary>Stored rows whose pieces form the panels (op(B) as stored, op(A) transposed): panel s gets
    /// dst[s·w·kc + p·w + j] = src[p·ld + s·w + j] for p &lt; kc, j &lt; w, zeros past <paramref name="width"/>. Whole pieces are
    /// block copies (op(A) transposed used to go element by element: a 128·128·256 product with Aᵀ took 99 µs on one core
    /// against 81 µs with A as stored; now 85–96 µs), eight rows at a time into every panel, so neither the reads (rows ld
    /// apart) nor the writes (panels w·kc apart) jump for long.</summary>
    private static void PackRowPieces<T>(T* src, nint ld, int kc, int width, int w, T* dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int RowsAtOnce = 8;
        for (int p0 = 0; p0 < kc; p0 += RowsAtOnce)
        {
            int p1 = Math.Min(kc, p0 + RowsAtOnce);
            T* panel = dst;
            for (int j0 = 0; j0 < width; j0 += w, panel += w * kc)
            {
                int cols = Math.Min(w, width - j0);
                T* row = src + p0 * ld + j0;
                for (int p = p0; p < p1; p++, row += ld)
                {
                    T* d = panel + p * w;
                    if (cols == w)
                    {
                        Unsafe.CopyBlockUnaligned(d, row, (uint)(w * sizeof(T)));
                        continue;
                    }
                    for (int j = 0; j < cols; j++) d[j] = row[j];
                    for (int j = cols; j < w; j++) d[j] = T.Zero;
                }
            }
        }
    }
}
