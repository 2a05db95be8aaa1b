using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>
/// Packing of op(A) and op(B) blocks into the contiguous panel layouts the micro-kernel streams.
/// Transposed operands are read in place with swapped strides; a transpose is never materialised.
/// Ragged edge panels are padded with zeros, which add nothing to the products.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[ic..ic+mc, pc..pc+kc] into ⌈mc/MR⌉ panels; panel r holds rows r·MR.. as
    /// dst[p·MR + i] = op(A)[ic + r·MR + i, pc + p].
    /// </summary>
    public static void PackA<T, TKernel>(bool transpose, T* a, nint lda, int ic, int pc, int mc, int kc, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmMicroKernel<T>
    {
        int mr = TKernel.MR;
        for (int i0 = 0; i0 < mc; i0 += mr, dst += mr * kc)
        {
            int rows = Math.Min(mr, mc - i0);
            if (transpose)
            {
                // op(A)[i, p] = A[p, i]: each p reads `rows` contiguous elements of stored row pc + p.
                T* src = a + pc * lda + (ic + i0);
                for (int p = 0; p < kc; p++, src += lda)
                {
                    T* d = dst + p * mr;
                    for (int i = 0; i < rows; i++) d[i] = src[i];
                    for (int i = rows; i < mr; i++) d[i] = T.Zero;
                }
            }
            else
            {
                // op(A)[i, p] = A[i, p]: stored row ic + i0 + i is walked along p, written with stride MR.
                T* src = a + (ic + i0) * lda + pc;
                for (int i = 0; i < rows; i++, src += lda)
                {
                    T* d = dst + i;
                    for (int p = 0; p < kc; p++) d[p * mr] = src[p];
                }
                for (int i = rows; i < mr; i++)
                    for (int p = 0; p < kc; p++) dst[p * mr + i] = T.Zero;
            }
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
        for (int j0 = 0; j0 < nc; j0 += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - j0);
            if (transpose)
            {
                // op(B)[p, j] = B[j, p]: stored row jc + j0 + j is walked along p, written with stride NR.
                T* src = b + (jc + j0) * ldb + pc;
                for (int j = 0; j < cols; j++, src += ldb)
                {
                    T* d = dst + j;
                    for (int p = 0; p < kc; p++) d[p * nr] = src[p];
                }
                for (int j = cols; j < nr; j++)
                    for (int p = 0; p < kc; p++) dst[p * nr + j] = T.Zero;
            }
            else
            {
                // op(B)[p, j] = B[p, j]: each p copies `cols` contiguous elements of stored row pc + p.
                T* src = b + pc * ldb + (jc + j0);
                if (cols == nr)
                {
                    for (int p = 0; p < kc; p++, src += ldb)
                        Unsafe.CopyBlockUnaligned(dst + p * nr, src, (uint)(nr * sizeof(T)));
                }
                else
                {
                    for (int p = 0; p < kc; p++, src += ldb)
                    {
                        T* d = dst + p * nr;
                        for (int j = 0; j < cols; j++) d[j] = src[j];
                        for (int j = cols; j < nr; j++) d[j] = T.Zero;
                    }
                }
            }
        }
    }
}
