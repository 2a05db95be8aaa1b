using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop;

// Dimension bookkeeping (squeeze, unsqueeze: views that share storage), picking one index along an axis
// (select) and stacking. Each gradient puts the upstream gradient back where the element came from.
public sealed partial class Tensor
{
    /// <summary>This tensor without its dimensions of size 1 (PyTorch's <c>squeeze()</c>): [2, 1, 3, 1] → [2, 3].
    /// A view sharing this tensor's storage. ∂/∂x = 1.</summary>
    public Tensor Squeeze()
    {
        int[] shape = Array.FindAll(_shape, d => d != 1);
        return View(SqueezeOp, shape);
    }

    /// <summary>This tensor without dimension <paramref name="axis"/> if its size is 1 (otherwise the same shape, as
    /// in PyTorch): [2, 1, 3].Squeeze(1) → [2, 3]. A view sharing this tensor's storage. ∂/∂x = 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range.</exception>
    public Tensor Squeeze(int axis)
    {
        int a = Shapes.NormalizeAxis("squeeze", axis, _shape);
        return View(SqueezeOp, _shape[a] == 1 ? Shapes.Reduce(_shape, a, keepDim: false) : (int[])_shape.Clone());
    }

    /// <summary>This tensor with a new dimension of size 1 inserted at <paramref name="axis"/> (in [−rank − 1, rank];
    /// negative counts from the end of the result): [2, 3].Unsqueeze(0) → [1, 2, 3], .Unsqueeze(-1) → [2, 3, 1].
    /// A view sharing this tensor's storage. ∂/∂x = 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range.</exception>
    public Tensor Unsqueeze(int axis) => View(UnsqueezeOp, Unsqueezed(_shape, axis));

    private static int[] Unsqueezed(int[] shape, int axis)
    {
        int rank = shape.Length + 1;
        int a = axis < 0 ? axis + rank : axis;
        if ((uint)a >= (uint)rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis,
                $"unsqueeze: axis {axis} is out of range for a tensor of shape {Shapes.Format(shape)}; expected an axis in [{-rank}, {rank - 1}].");
        return [.. shape[..a], 1, .. shape[a..]];
    }

    /// <summary>The slice at <paramref name="index"/> along <paramref name="axis"/>, with that dimension removed
    /// (PyTorch's <c>select</c>, i.e. <c>x[:, i]</c> for axis 1): [4, 3].Select(0, 2) is row 2, shape [3]; a 1-D
    /// tensor gives a rank-0 one. Negative values count from the end. A copy; the gradient is added back into that
    /// slice (∂y/∂x = 1 there, 0 elsewhere).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis or the index is out of range.</exception>
    public Tensor Select(int axis, int index)
    {
        int a = Shapes.NormalizeAxis("select", axis, _shape);
        (int outer, int n, int inner) = Shapes.Split(_shape, a);
        int i = index < 0 ? index + n : index;
        if ((uint)i >= (uint)n)
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"select: index {index} is out of range for axis {axis} of a tensor of shape {Shapes.Format(_shape)}; expected an index in [{-n}, {n - 1}].");
        Tensor y = NewUninitialized(Shapes.Reduce(_shape, a, keepDim: false));
        for (int o = 0; o < outer; o++) Array.Copy(_storage, (o * n + i) * inner, y._storage, o * inner, inner);
        return Record(SelectOp, y, [this], ctx =>
        {
            if (ctx.DType == DType.Float32) SelectBackward<float>(ctx.Upstream<float>(), ctx.Grad<float>(0), outer, n, inner, i);
            else SelectBackward<double>(ctx.Upstream<double>(), ctx.Grad<double>(0), outer, n, inner, i);
        }, Saved.None);
    }

    private static readonly TensorOp SelectOp = new("select", "into slice"), StackOp = new("stack", "split");

    private static void SelectBackward<T>(ReadOnlySpan<T> dy, Span<T> dx, int outer, int n, int inner, int i) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
        {
            Span<T> target = dx.Slice((o * n + i) * inner, inner);
            TensorPrimitives.Add(target, dy.Slice(o * inner, inner), target);
        }
    }

    /// <summary>Joins tensors of equal shape along a new dimension <paramref name="axis"/> (in [−rank − 1, rank]):
    /// three [2, 4] tensors stack to [3, 2, 4] along 0 and to [2, 4, 3] along −1. Each input's gradient is its own
    /// slice of the upstream gradient.</summary>
    /// <exception cref="ShapeMismatchException">The shapes differ.</exception>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("stack: expected at least one tensor.", nameof(tensors));
        Tensor first = tensors[0] ?? throw new ArgumentException("stack: tensors[0] is null.", nameof(tensors));
        int[] shape = Unsqueezed(first._shape, axis);
        var views = new Tensor[tensors.Count];
        for (int t = 0; t < views.Length; t++)
        {
            Tensor x = tensors[t] ?? throw new ArgumentException($"stack: tensors[{t}] is null.", nameof(tensors));
            if (!Shapes.Equal(x._shape, first._shape))
                throw new ShapeMismatchException("stack", first._shape, x._shape,
                    $"stack: cannot stack {Shapes.Format(first._shape)} with {Shapes.Format(x._shape)} (tensors[{t}]): expected equal shapes.");
            views[t] = x.View(UnsqueezeOp, (int[])shape.Clone());
        }
        Tensor y = Concat(views, axis < 0 ? axis + shape.Length : axis);
        if (!y.IsLeaf) y.Operation = StackOp;
        return y;
    }
}
