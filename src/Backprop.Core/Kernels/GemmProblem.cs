using System.Numerics;

namespace Backprop.Kernels;

/// <summary>
/// One GEMM C ← α·op(A)·op(B) + β·C over pinned memory: op(A) is M×K, op(B) is K×N, C is M×N,
/// leading dimensions are row strides of the stored (untransposed) matrices.
/// </summary>
internal readonly unsafe struct GemmProblem<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public readonly bool TransposeA, TransposeB;
    public readonly int M, N, K;
    public readonly T Alpha, Beta;
    public readonly T* A, B, C;
    public readonly nint Lda, Ldb, Ldc;

    public GemmProblem(bool transposeA, bool transposeB, int m, int n, int k, T alpha,
        T* a, nint lda, T* b, nint ldb, T beta, T* c, nint ldc)
    {
        TransposeA = transposeA; TransposeB = transposeB;
        M = m; N = n; K = k;
        Alpha = alpha; Beta = beta;
        A = a; B = b; C = c;
        Lda = lda; Ldb = ldb; Ldc = ldc;
    }

    /// <summary>The sub-problem for rows [<paramref name="start"/>, start + count) of op(A) and C.</summary>
    public GemmProblem<T> Rows(int start, int count) => new(TransposeA, TransposeB, count, N, K, Alpha,
        TransposeA ? A + start : A + start * Lda, Lda, B, Ldb, Beta, C + start * Ldc, Ldc);

    /// <summary>The sub-problem for columns [<paramref name="start"/>, start + count) of op(B) and C.</summary>
    public GemmProblem<T> Columns(int start, int count) => new(TransposeA, TransposeB, M, count, K, Alpha,
        A, Lda, TransposeB ? B + start * Ldb : B + start, Ldb, Beta, C + start, Ldc);
}
