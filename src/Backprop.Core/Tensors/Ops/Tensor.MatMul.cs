using System.Numerics;
using System.Runtime.InteropServices;
using Backprop.Kernels;

namespace Backprop;

// Matrix products through Gemm, with PyTorch's matmul semantics. For Y = A·B: ∂L/∂A = ∂L/∂Y · Bᵀ and
// ∂L/∂B = Aᵀ · ∂L/∂Y, computed by Gemm with its transpose flags (no transpose is ever materialised) and β = 1,
// so each product adds straight into the gradient buffer. A batch item whose operand is broadcast reads the
// same matrix as its neighbours, so that matrix's gradient collects (sums) every item's contribution.
public sealed partial class Tensor
{
    private static readonly TensorOp MatMulOp = new("matmul", "g·Bᵀ", "Aᵀ·g");

    /// <summary>
    /// Matrix product with PyTorch's <c>matmul</c> semantics: [m, k] × [k, n] → [m, n]; a 1-D operand is a
    /// row vector on the left ([k] × [k, n] → [n]) or a column vector on the right ([m, k] × [k] → [m]), and
    /// [k] × [k] is the dot product (a rank-0 tensor); operands of rank ≥ 3 are stacks of matrices whose batch
    /// dimensions (all but the last two) broadcast, e.g. [2, 1, 3, 4] × [5, 4, 6] → [2, 5, 3, 6] and
    /// [3, 4] × [2, 4, 5] → [2, 3, 5]. ∂L/∂A = ∂L/∂Y · Bᵀ and ∂L/∂B = Aᵀ · ∂L/∂Y per batch item, summed over
    /// the batch dimensions along which an operand was broadcast.
    /// </summary>
    /// <exception cref="ShapeMismatchException">An operand is rank 0, the inner dimensions differ, or the batch
    /// dimensions do not broadcast.</exception>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Shapes.CheckSameDType("matmul", a, b);
        MatMulPlan plan = MatMulPlan.Of(a._shape, b._shape);
        Tensor y = a.NewUninitialized(plan.Shape); // Gemm with β = 0 writes every element (zeros when k = 0)
        if (a.DType == DType.Float32) MatMulForward<float>(a.Data<float>(), b.Data<float>(), y.Data<float>(), plan);
        else MatMulForward<double>(a.Data<double>(), b.Data<double>(), y.Data<double>(), plan);
        return Record(MatMulOp, y, [a, b], ctx =>
        {
            if (ctx.DType == DType.Float32) MatMulBackward<float>(ctx, plan);
            else MatMulBackward<double>(ctx, plan);
        }, Saved.Inputs);
    }

    /// <summary>This tensor times <paramref name="other"/> (see <see cref="MatMul(Tensor, Tensor)"/>).</summary>
    public Tensor MatMul(Tensor other) => MatMul(this, other);

    private static void MatMulForward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y, MatMulPlan plan) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = plan.M, n = plan.N, k = plan.K;
        for (int p = 0; p < plan.Batches; p++)
            Gemm<T>(false, false, m, n, k, a.Slice(plan.OffsetA(p), m * k), k, b.Slice(plan.OffsetB(p), k * n), n, 0.0, y.Slice(p * m * n, m * n), n);
    }

    private static void MatMulBackward<T>(BackwardContext ctx, MatMulPlan plan) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = plan.M, n = plan.N, k = plan.K;
        ReadOnlySpan<T> dy = ctx.Upstream<T>(), a = ctx.Input(0).Data<T>(), b = ctx.Input(1).Data<T>();
        bool needA = ctx.NeedsGrad(0), needB = ctx.NeedsGrad(1);
        Span<T> da = needA ? ctx.Grad<T>(0) : default, db = needB ? ctx.Grad<T>(1) : default;
        for (int p = 0; p < plan.Batches; p++)
        {
            int oa = plan.OffsetA(p), ob = plan.OffsetB(p);
            ReadOnlySpan<T> dyp = dy.Slice(p * m * n, m * n);
            if (needA) Gemm<T>(false, true, m, k, n, dyp, n, b.Slice(ob, k * n), n, 1.0, da.Slice(oa, m * k), k);  // dA += dY·Bᵀ
            if (needB) Gemm<T>(true, false, k, n, m, a.Slice(oa, m * k), k, dyp, n, 1.0, db.Slice(ob, k * n), n);  // dB += Aᵀ·dY
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
