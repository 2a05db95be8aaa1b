using System.Numerics;
using Backprop.Kernels;
using System.Numerics.Tensors;

namespace Backprop;

// Sum, Mean and Max, over everything or along one axis. An axis reduction views the input as
// [outer, n, inner] (n = the reduced dimension) so every inner loop runs over contiguous memory.
public sealed partial class Tensor
{
    private static readonly TensorOp SumOp = new("sum", "1"), MeanOp = new("mean", "1/n"), MaxOp = new("max", "𝟙[argmax]");

    /// <summary>The sum of all elements, as a rank-0 tensor. ∂/∂xᵢ = 1.</summary>
    public Tensor Sum() => ReduceAll(SumOp, 1.0);

    /// <summary>The mean of all elements, as a rank-0 tensor. ∂/∂xᵢ = 1/N.</summary>
    public Tensor Mean() => ReduceAll(MeanOp, ElementCount == 0 ? double.NaN : 1.0 / ElementCount);

    /// <summary>Sums along <paramref name="axis"/> (negative counts from the end), keeping it as size 1 when
    /// <paramref name="keepDim"/>. ∂/∂x = 1 along the axis.</summary>
    public Tensor Sum(int axis, bool keepDim = false) => ReduceAxis(SumOp, axis, keepDim, mean: false);

    /// <summary>The mean along <paramref name="axis"/>. ∂/∂x = 1/n along the axis.</summary>
    public Tensor Mean(int axis, bool keepDim = false) => ReduceAxis(MeanOp, axis, keepDim, mean: true);

    /// <summary>Sum of all elements of <paramref name="x"/>.</summary>
    public static Tensor Sum(Tensor x) => x.Sum();

    /// <summary>Mean of all elements of <paramref name="x"/>.</summary>
    public static Tensor Mean(Tensor x) => x.Mean();

    private Tensor ReduceAll(TensorOp op, double scale)
    {
        Tensor y = NewZeros([]);
        if (DType == DType.Float32) y.Data<float>()[0] = FixedOrder.Sum<float>(Data<float>()) * (float)scale;
        else y.Data<double>()[0] = FixedOrder.Sum<double>(Data<double>()) * scale;
        return Record(op, y, [this], ctx =>
        {
            // Every element receives the (scaled) upstream gradient.
            if (ctx.DType == DType.Float32) { Span<float> dx = ctx.Grad<float>(0); TensorPrimitives.Add(dx, ctx.Upstream<float>()[0] * (float)scale, dx); }
            else { Span<double> dx = ctx.Grad<double>(0); TensorPrimitives.Add(dx, ctx.Upstream<double>()[0] * scale, dx); }
        }, Saved.None);
    }

    private Tensor ReduceAxis(TensorOp op, int axis, bool keepDim, bool mean)
    {
        int a = Shapes.NormalizeAxis(op.Name, axis, _shape);
        (int outer, int n, int inner) = Shapes.Split(_shape, a);
        double scale = mean ? 1.0 / n : 1.0;
        Tensor y = NewZeros(Shapes.Reduce(_shape, a, keepDim));
        if (DType == DType.Float32) SumAxisForward<float>(Data<float>(), y.Data<float>(), outer, n, inner, (float)scale);
        else SumAxisForward<double>(Data<double>(), y.Data<double>(), outer, n, inner, scale);
        return Record(op, y, [this], ctx =>
        {
            if (ctx.DType == DType.Float32) SumAxisBackward<float>(ctx.Upstream<float>(), ctx.Grad<float>(0), outer, n, inner, (float)scale);
            else SumAxisBackward<double>(ctx.Upstream<double>(), ctx.Grad<double>(0), outer, n, inner, scale);
        }, Saved.None);
    }

    private static void SumAxisForward<T>(ReadOnlySpan<T> x, Span<T> y, int outer, int n, int inner, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                y[o] = FixedOrder.Sum(x.Slice(o * n, n)) * scale;
                continue;
            }
            Span<T> row = y.Slice(o * inner, inner);
            ColumnSums.AddTo(x.Slice(o * n * inner, n * inner), n, inner, row);   // row starts at zero
            TensorPrimitives.Multiply(row, scale, row);
        }
    }

    private static void SumAxisBackward<T>(ReadOnlySpan<T> dy, Span<T> dx, int outer, int n, int inner, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                Span<T> seg = dx.Slice(o * n, n);
                TensorPrimitives.Add(seg, dy[o] * scale, seg);
                continue;
            }
            ReadOnlySpan<T> g = dy.Slice(o * inner, inner);
            for (int j = 0; j < n; j++)
            {
                Span<T> seg = dx.Slice((o * n + j) * inner, inner);
                TensorPrimitives.MultiplyAdd(g, scale, seg, seg);
            }
        }
    }

    // ---- max ------------------------------------------------------------------------------------

    /// <summary>The largest element, as a rank-0 tensor. The gradient is shared equally by every element equal
    /// to the maximum (PyTorch's rule for a full reduction; <see cref="Max(int, bool)"/> picks the first arg-max).</summary>
    public Tensor Max()
    {
        if (ElementCount == 0) throw new InvalidOperationException($"max: the tensor of shape {Shapes.Format(_shape)} is empty; expected at least one element.");
        int arg = DType == DType.Float32 ? FirstIndexOfMax<float>(Data<float>()) : FirstIndexOfMax<double>(Data<double>());
        Tensor y = NewZeros([]);
        y.SetFlat(0, GetFlat(arg));
        return Record(MaxOp, y, [this], ctx =>
        {
            if (ctx.DType == DType.Float32) ShareAmongMaxima<float>(ctx.Input(0).Data<float>(), ctx.Result<float>()[0], ctx.Upstream<float>()[0], ctx.Grad<float>(0));
            else ShareAmongMaxima<double>(ctx.Input(0).Data<double>(), ctx.Result<double>()[0], ctx.Upstream<double>()[0], ctx.Grad<double>(0));
        });
    }

    private static void ShareAmongMaxima<T>(ReadOnlySpan<T> x, T max, T g, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ties = 0;
        foreach (T v in x) if (v == max || (T.IsNaN(max) && T.IsNaN(v))) ties++;
        T share = g / T.CreateTruncating(ties);
        for (int i = 0; i < x.Length; i++)
            if (x[i] == max || (T.IsNaN(max) && T.IsNaN(x[i]))) dx[i] += share;
    }

    /// <summary>The largest element along <paramref name="axis"/>. The gradient goes to the arg-max of each
    /// slice (the first one on ties).</summary>
    public Tensor Max(int axis, bool keepDim = false)
    {
        int a = Shapes.NormalizeAxis("max", axis, _shape);
        (int outer, int n, int inner) = Shapes.Split(_shape, a);
        if (n == 0) throw new InvalidOperationException($"max: axis {axis} of shape {Shapes.Format(_shape)} is empty; expected at least one element.");
        Tensor y = NewZeros(Shapes.Reduce(_shape, a, keepDim));
        var arg = new int[outer * inner];
        if (DType == DType.Float32) MaxAxisForward<float>(Data<float>(), y.Data<float>(), arg, outer, n, inner);
        else MaxAxisForward<double>(Data<double>(), y.Data<double>(), arg, outer, n, inner);
        return Record(MaxOp, y, [this], ctx =>
        {
            if (ctx.DType == DType.Float32) ScatterToArgMax<float>(ctx.Upstream<float>(), ctx.Grad<float>(0), arg, n, inner);
            else ScatterToArgMax<double>(ctx.Upstream<double>(), ctx.Grad<double>(0), arg, n, inner);
        }, Saved.None);
    }

    /// <summary>The index of the largest element along <paramref name="axis"/> for every other position
    /// (first on ties), row-major: for a [batch, classes] tensor and axis 1, the predicted class of each row.</summary>
    public int[] ArgMax(int axis = -1)
    {
        int a = Shapes.NormalizeAxis("ArgMax", axis, _shape);
        (int outer, int n, int inner) = Shapes.Split(_shape, a);
        if (n == 0) throw new InvalidOperationException($"ArgMax: axis {axis} of shape {Shapes.Format(_shape)} is empty; expected at least one element.");
        var arg = new int[outer * inner];
        var scratch = NewZeros(Shapes.Reduce(_shape, a, keepDim: false));
        if (DType == DType.Float32) MaxAxisForward<float>(Data<float>(), scratch.Data<float>(), arg, outer, n, inner);
        else MaxAxisForward<double>(Data<double>(), scratch.Data<double>(), arg, outer, n, inner);
        return arg;
    }

    // The first index holding the maximum (NaN counts as the maximum, as in PyTorch).
    private static int FirstIndexOfMax<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = SpanMax.Of(x);
        if (T.IsNaN(max))
        {
            for (int i = 0; i < x.Length; i++) if (T.IsNaN(x[i])) return i;
        }
        return x.IndexOf(max);
    }

    private static void MaxAxisForward<T>(ReadOnlySpan<T> x, Span<T> y, int[] arg, int outer, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                int k = FirstIndexOfMax(x.Slice(o * n, n));
                arg[o] = k;
                y[o] = x[o * n + k];
                continue;
            }
            Span<T> best = y.Slice(o * inner, inner);
            x.Slice(o * n * inner, inner).CopyTo(best);
            arg.AsSpan(o * inner, inner).Clear();
            for (int j = 1; j < n; j++)
            {
                ReadOnlySpan<T> row = x.Slice((o * n + j) * inner, inner);
                for (int i = 0; i < inner; i++)
                    if (row[i] > best[i] || (T.IsNaN(row[i]) && !T.IsNaN(best[i]))) // strict: the first wins ties
                    {
                        best[i] = row[i];
                        arg[o * inner + i] = j;
                    }
            }
        }
    }

    private static void ScatterToArgMax<T>(ReadOnlySpan<T> dy, Span<T> dx, int[] arg, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < arg.Length; p++)
        {
            int o = p / inner, i = p - o * inner;
            dx[(o * n + arg[p]) * inner + i] += dy[p];
        }
    }
}
