using System.Numerics;
using Backprop.Kernels;
using System.Numerics.Tensors;

namespace Backprop;

// Softmax and log-softmax along an axis, both stable: the maximum of each slice is subtracted first, so
// inputs of ±1000 give finite results. The input is viewed as [outer, n, inner] (n = the softmax axis).
public sealed partial class Tensor
{
    /// <summary>softmax(x)ᵢ = eˣⁱ / Σⱼ eˣʲ along <paramref name="axis"/> (default: the last).
    /// ∂L/∂x = y ⊙ (∂L/∂y − Σⱼ ∂L/∂yⱼ·yⱼ).</summary>
    public Tensor Softmax(int axis = -1) => SoftmaxCore(axis, log: false);

    /// <summary>log softmax(x)ᵢ = xᵢ − log Σⱼ eˣʲ along <paramref name="axis"/> (default: the last), computed
    /// stably. ∂L/∂x = ∂L/∂y − softmax(x) · Σⱼ ∂L/∂yⱼ.</summary>
    public Tensor LogSoftmax(int axis = -1) => SoftmaxCore(axis, log: true);

    /// <summary>Softmax of <paramref name="x"/> along <paramref name="axis"/>.</summary>
    public static Tensor Softmax(Tensor x, int axis = -1) => x.Softmax(axis);

    /// <summary>Log-softmax of <paramref name="x"/> along <paramref name="axis"/>.</summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1) => x.LogSoftmax(axis);

    private static readonly TensorOp SoftmaxOp = new("softmax", "diag y − yyᵀ"), LogSoftmaxOp = new("log_softmax", "I − softmax");

    private Tensor SoftmaxCore(int axis, bool log)
    {
        TensorOp op = log ? LogSoftmaxOp : SoftmaxOp;
        int a = Shapes.NormalizeAxis(log ? "log_softmax" : "softmax", axis, _shape);
        (int outer, int n, int inner) = Shapes.Split(_shape, a);
        Tensor y = NewUninitialized(); // every row is written in full
        if (DType == DType.Float32) SoftmaxForwardInHalves<float>(Data<float>(), y.Data<float>(), outer, n, inner, log);
        else SoftmaxForwardInHalves<double>(Data<double>(), y.Data<double>(), outer, n, inner, log);
        return Record(op, y, [this], ctx =>
        {
            if (ctx.DType == DType.Float32) SoftmaxBackward<float>(ctx.Result<float>(), ctx.Upstream<float>(), ctx.Grad<float>(0), outer, n, inner, log);
            else SoftmaxBackward<double>(ctx.Result<double>(), ctx.Upstream<double>(), ctx.Grad<double>(0), outer, n, inner, log);
        });
    }

    private static void SoftmaxForward<T>(ReadOnlySpan<T> x, Span<T> y, int outer, int n, int inner, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0) return;
        using var scratch = new Scratch<T>(inner == 1 ? Math.Max(n, 3) : 3 * inner);   // contiguous rows: e^(x−max) of log-softmax
        Span<T> m = scratch.Span[..inner], s = scratch.Span[inner..(2 * inner)], e = scratch.Span[(2 * inner)..];
        for (int o = 0; o < outer; o++)
        {
            int b = o * n * inner;
            if (inner == 1)
            {
                ReadOnlySpan<T> xr = x.Slice(b, n);
                Span<T> yr = y.Slice(b, n);
                T max = SpanMax.Of(xr);   // x − max ≤ 0: e^(x−max) cannot overflow
                if (log)
                {
                    TensorPrimitives.Subtract(xr, max, yr);
                    Span<T> er = scratch.Span[..n];
                    VectorMath.Exp<T>(yr, er);
                    TensorPrimitives.Subtract(yr, T.Log(FixedOrder.Sum<T>(er)), yr);   // Σ e^(x−max) ≥ 1
                }
                else
                {
                    VectorMath.ExpShifted(xr, max, yr);   // in one pass, as subtracting first
                    TensorPrimitives.Multiply(yr, T.One / FixedOrder.Sum<T>(yr), yr);   // by 1/Σ, as PyTorch: no division per element
                }
                continue;
            }
            // Strided: vectorise over the inner positions, one softmax row j at a time.
            x.Slice(b, inner).CopyTo(m);
            for (int j = 1; j < n; j++) TensorPrimitives.Max(m, x.Slice(b + j * inner, inner), m);
            s.Clear();
            for (int j = 0; j < n; j++)
            {
                Span<T> yj = y.Slice(b + j * inner, inner);
                TensorPrimitives.Subtract(x.Slice(b + j * inner, inner), m, yj);
                if (log)
                {
                    VectorMath.Exp(yj, e);
                    TensorPrimitives.Add(s, e, s);
                }
                else
                {
                    VectorMath.Exp(yj, yj);
                    TensorPrimitives.Add(s, yj, s);
                }
            }
            if (log) VectorMath.Log<T>(s, s);
            else TensorPrimitives.Divide(T.One, s, s);   // 1/Σ, as in the contiguous rows: the same bits along any axis
            for (int j = 0; j < n; j++)
            {
                Span<T> yj = y.Slice(b + j * inner, inner);
                if (log) TensorPrimitives.Subtract(yj, s, yj);
                else TensorPrimitives.Multiply(yj, s, yj);
            }
        }
    }

    private static void SoftmaxBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int outer, int n, int inner, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var scratch = new Scratch<T>(n * inner + inner);
        Span<T> t = scratch.Span[..(n * inner)], acc = scratch.Span[(n * inner)..];
        for (int o = 0; o < outer; o++)
        {
            int b = o * n * inner, len = n * inner;
            ReadOnlySpan<T> yo = y.Slice(b, len), dyo = dy.Slice(b, len);
            Span<T> dxo = dx.Slice(b, len);
            // acc = Σⱼ dyⱼ·yⱼ (softmax) or Σⱼ dyⱼ (log-softmax), per inner position.
            acc.Clear();
            for (int j = 0; j < n; j++)
            {
                ReadOnlySpan<T> dyj = dyo.Slice(j * inner, inner);
                if (log) TensorPrimitives.Add(acc, dyj, acc);
                else TensorPrimitives.FusedMultiplyAdd(dyj, yo.Slice(j * inner, inner), acc, acc);
            }
            for (int j = 0; j < n; j++)
            {
                ReadOnlySpan<T> yj = yo.Slice(j * inner, inner), dyj = dyo.Slice(j * inner, inner);
                Span<T> dxj = dxo.Slice(j * inner, inner), tj = t.Slice(j * inner, inner);
                if (log)
                {
                    VectorMath.Exp(yj, tj);                         // softmax = e^(log softmax)
                    TensorPrimitives.Multiply(tj, acc, tj);
                    TensorPrimitives.Subtract(dyj, tj, tj);               // dy − softmax·Σdy
                    TensorPrimitives.Add(dxj, tj, dxj);
                }
                else
                {
                    TensorPrimitives.Subtract(dyj, acc, tj);              // dy − Σ dy·y
                    TensorPrimitives.FusedMultiplyAdd(yj, tj, dxj, dxj);  // += y ⊙ (…)
                }
            }
        }
    }
}
