using System.Numerics;
using System.Runtime.InteropServices;
using Backprop.Kernels;

namespace Backprop;

// Matrix products through Gemm. For Y = A·B: ∂L/∂A = ∂L/∂Y · Bᵀ and ∂L/∂B = Aᵀ · ∂L/∂Y, computed by Gemm
// with its transpose flags (no transpose is ever materialised) and β = 1, so each product adds straight
// into the gradient buffer.
public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product: [m, k] × [k, n] → [m, n]; batched [b, m, k] × [k, n] → [b, m, n] (one matrix applied
    /// to every batch item, as a linear layer does to a batch of sequences); and [b, m, k] × [b, k, n] → [b, m, n].
    /// </summary>
    /// <exception cref="ShapeMismatchException">The ranks are not one of those, or the inner (or batch) dimensions differ.</exception>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Shapes.CheckSameDType("MatMul", a, b);
        int[] sa = a._shape, sb = b._shape;
        bool batchedB = sa.Length == 3 && sb.Length == 3;
        if (!((sa.Length == 2 || sa.Length == 3) && sb.Length == 2) && !batchedB)
            throw new ShapeMismatchException("MatMul", sa, sb,
                $"MatMul: cannot multiply {Shapes.Format(sa)} by {Shapes.Format(sb)}: expected 2-D × 2-D, 3-D × 2-D or 3-D × 3-D operands.");
        int k = sa[^1], kb = sb[^2];
        if (k != kb)
            throw new ShapeMismatchException("MatMul", sa, sb,
                $"MatMul: cannot multiply {Shapes.Format(sa)} by {Shapes.Format(sb)}: expected the inner dimensions to agree ({k} ≠ {kb})");
        if (batchedB && sa[0] != sb[0])
            throw new ShapeMismatchException("MatMul", sa, sb,
                $"MatMul: cannot multiply {Shapes.Format(sa)} by {Shapes.Format(sb)}: expected the batch dimensions to agree ({sa[0]} ≠ {sb[0]}).");

        int n = sb[^1];
        // A 3-D A times a 2-D B is one [batch·m, k] × [k, n] product: the batch rows are contiguous.
        int batches = batchedB ? sa[0] : 1;
        int m = batchedB ? sa[1] : sa.Length == 3 ? sa[0] * sa[1] : sa[0];
        int[] shape = sa.Length == 3 ? [sa[0], sa[1], n] : [sa[0], n];
        Tensor y = a.NewZeros(shape);
        if (a.DType == DType.Float32) MatMulForward<float>(a.Data<float>(), b.Data<float>(), y.Data<float>(), batches, m, n, k);
        else MatMulForward<double>(a.Data<double>(), b.Data<double>(), y.Data<double>(), batches, m, n, k);
        return Record("matmul", y, [a, b], ctx =>
        {
            if (ctx.DType == DType.Float32) MatMulBackward<float>(ctx, batches, batchedB, m, n, k);
            else MatMulBackward<double>(ctx, batches, batchedB, m, n, k);
        });
    }

    /// <summary>This matrix times <paramref name="other"/> (see <see cref="MatMul(Tensor, Tensor)"/>).</summary>
    public Tensor MatMul(Tensor other) => MatMul(this, other);

    private static void MatMulForward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y, int batches, int m, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < batches; p++)
        {
            ReadOnlySpan<T> bp = batches == 1 ? b : b.Slice(p * k * n, k * n);
            Gemm<T>(false, false, m, n, k, a.Slice(p * m * k, m * k), k, bp, n, 0.0, y.Slice(p * m * n, m * n), n);
        }
    }

    private static void MatMulBackward<T>(BackwardContext ctx, int batches, bool batchedB, int m, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> dy = ctx.Upstream<T>(), a = ctx.Input(0).Data<T>(), b = ctx.Input(1).Data<T>();
        bool needA = ctx.NeedsGrad(0), needB = ctx.NeedsGrad(1);
        Span<T> da = needA ? ctx.Grad<T>(0) : default, db = needB ? ctx.Grad<T>(1) : default;
        for (int p = 0; p < batches; p++)
        {
            ReadOnlySpan<T> dyp = dy.Slice(p * m * n, m * n), ap = a.Slice(p * m * k, m * k);
            ReadOnlySpan<T> bp = batchedB ? b.Slice(p * k * n, k * n) : b;
            if (needA) Gemm<T>(false, true, m, k, n, dyp, n, bp, n, 1.0, da.Slice(p * m * k, m * k), k);       // dA += dY·Bᵀ
            if (needB) Gemm<T>(true, false, k, n, m, ap, k, dyp, n, 1.0, batchedB ? db.Slice(p * k * n, k * n) : db, n); // dB += Aᵀ·dY
        }
    }

    // C ← op(A)·op(B) + β·C for either element type (the typeof tests are folded away by the JIT).
    private static void Gemm<T>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, double beta, Span<T> c, int ldc) where T : unmanaged
    {
        if (m == 0 || n == 0) return;
        if (typeof(T) == typeof(float))
            Kernels.Gemm.Multiply(transposeA, transposeB, m, n, k, 1f, MemoryMarshal.Cast<T, float>(a), lda,
                MemoryMarshal.Cast<T, float>(b), ldb, (float)beta, MemoryMarshal.Cast<T, float>(c), ldc);
        else
            Kernels.Gemm.Multiply(transposeA, transposeB, m, n, k, 1.0, MemoryMarshal.Cast<T, double>(a), lda,
                MemoryMarshal.Cast<T, double>(b), ldb, beta, MemoryMarshal.Cast<T, double>(c), ldc);
    }
}
