using System.Numerics;

namespace Backprop;

// Element-wise indexing: gather (pick along an axis by an index table) and where (choose between two tensors).
// Both remember, for every result element, which input element it came from; the gradient goes back there
// (added, so an element picked twice collects both contributions).
public sealed partial class Tensor
{
    private static readonly TensorOp GatherOp = new("gather", "scatter-add"), WhereOp = new("where", "𝟙[condition]", "𝟙[¬condition]");

    /// <summary>
    /// Picks elements along <paramref name="axis"/> by an index table, like PyTorch's <c>gather</c>: for a 2-D
    /// tensor and axis 1, <c>y[i, j] = x[i, index[i, j]]</c> (for axis 0, <c>y[i, j] = x[index[i, j], j]</c>).
    /// <paramref name="index"/> is row-major with shape <paramref name="indexShape"/>, which has this tensor's rank
    /// and sizes no larger than its own outside the axis; it is also the result's shape. Without
    /// <paramref name="indexShape"/>, it is this tensor's shape with the axis size inferred from the index count
    /// (e.g. [batch, 1] for one class per row of a [batch, classes] tensor). ∂y/∂x is 1 at each picked element
    /// (summed when an element is picked more than once), 0 elsewhere.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The index shape does not fit this tensor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public Tensor Gather(int axis, int[] index, int[]? indexShape = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        int a = Shapes.NormalizeAxis("gather", axis, _shape);
        int[] shape = indexShape is null ? InferGatherShape(a, index.Length) : (int[])indexShape.Clone();
        bool fits = shape.Length == Rank && Shapes.CheckShape(shape, out int count) is null && count == index.Length;
        for (int d = 0; fits && d < Rank; d++) fits = d == a || shape[d] <= _shape[d];
        if (!fits)
            throw new ShapeMismatchException("gather", _shape, shape,
                $"gather: cannot gather from {Shapes.Format(_shape)} along axis {axis} with an index of shape {Shapes.Format(shape)} " +
                $"({index.Length} indices): expected rank {Rank}, as many indices as the shape holds and sizes no larger than " +
                $"{Shapes.Format(_shape)} outside axis {a}.");
        int[] source = GatherOffsets(a, index, shape);
        Tensor y = NewUninitialized(shape);
        for (int p = 0; p < source.Length; p++) y.SetFlat(p, GetFlat(source[p]));
        return Record(GatherOp, y, [this], ctx =>
        {
            if (ctx.DType == DType.Float32) ScatterAdd<float>(ctx.Upstream<float>(), ctx.Grad<float>(0), source);
            else ScatterAdd<double>(ctx.Upstream<double>(), ctx.Grad<double>(0), source);
        }, Saved.None);
    }

    private int[] InferGatherShape(int axis, int count)
    {
        int[] shape = (int[])_shape.Clone();
        int others = _shape[axis] == 0 ? 0 : ElementCount / _shape[axis];
        shape[axis] = others == 0 ? 0 : count / others;
        return shape;
    }

    // For each result element (row-major over `shape`), the flat offset in this tensor of the element it picks.
    private int[] GatherOffsets(int axis, int[] index, int[] shape)
    {
        var strides = new int[Rank];
        for (int d = Rank - 1, stride = 1; d >= 0; d--) { strides[d] = stride; stride *= _shape[d]; }
        var source = new int[index.Length];
        var position = new int[Rank];
        int n = _shape[axis], offset = 0; // offset: of the position with the axis coordinate left out
        for (int p = 0; p < source.Length; p++)
        {
            int k = index[p];
            if ((uint)k >= (uint)n)
                throw new ArgumentOutOfRangeException(nameof(index), k,
                    $"gather: index {k} (at position {p}) is out of range for axis {axis} of a tensor of shape {Shapes.Format(_shape)}; expected indices in [0, {n - 1}].");
            source[p] = offset + k * strides[axis];
            for (int d = Rank - 1; d >= 0; d--) // odometer over the index shape
            {
                if (d != axis) offset += strides[d];
                if (++position[d] < shape[d]) break;
                if (d != axis) offset -= strides[d] * shape[d];
                position[d] = 0;
            }
        }
        return source;
    }

    private static void ScatterAdd<T>(ReadOnlySpan<T> dy, Span<T> dx, int[] target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < target.Length; p++) dx[target[p]] += dy[p];
    }

    /// <summary>
    /// <paramref name="a"/> where <paramref name="condition"/> is non-zero, else <paramref name="b"/>, elementwise
    /// (PyTorch's <c>torch.where</c>, with a non-zero element standing for true); the three shapes broadcast
    /// together. ∂y/∂a = 1 where the condition holds and ∂y/∂b = 1 elsewhere (summed over broadcast dimensions);
    /// the condition receives no gradient.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The shapes do not broadcast.</exception>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Shapes.CheckSameDType("where", a, b);
        int[] ab = BroadcastIndex.Shape(a._shape, b._shape, out _, out _, out _) ?? WhereMismatch(a._shape, b._shape, "a", "b");
        int[] shape = BroadcastIndex.Shape(condition._shape, ab, out _, out _, out _) ?? WhereMismatch(condition._shape, ab, "the condition", "the values");
        int[] fromA = BroadcastIndex.Offsets(a._shape, shape), fromB = BroadcastIndex.Offsets(b._shape, shape);
        int[] fromCondition = BroadcastIndex.Offsets(condition._shape, shape);
        var take = new bool[fromA.Length];
        Tensor y = a.NewUninitialized(shape);
        for (int p = 0; p < take.Length; p++)
        {
            take[p] = condition.GetFlat(fromCondition[p]) != 0;
            y.SetFlat(p, take[p] ? a.GetFlat(fromA[p]) : b.GetFlat(fromB[p]));
        }
        return Record(WhereOp, y, [a, b], ctx =>
        {
            if (ctx.DType == DType.Float32) WhereBackward<float>(ctx, take, fromA, fromB);
            else WhereBackward<double>(ctx, take, fromA, fromB);
        }, Saved.None);
    }

    private static int[] WhereMismatch(int[] x, int[] y, string left, string right) =>
        throw new ShapeMismatchException("where", x, y,
            $"where: cannot broadcast {left} {Shapes.Format(x)} with {right} {Shapes.Format(y)}: expected each pair of trailing dimensions to be equal or 1.");

    private static void WhereBackward<T>(BackwardContext ctx, bool[] take, int[] fromA, int[] fromB) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> dy = ctx.Upstream<T>();
        Span<T> da = ctx.NeedsGrad(0) ? ctx.Grad<T>(0) : default, db = ctx.NeedsGrad(1) ? ctx.Grad<T>(1) : default;
        for (int p = 0; p < take.Length; p++)
        {
            if (take[p]) { if (!da.IsEmpty) da[fromA[p]] += dy[p]; }
            else if (!db.IsEmpty) db[fromB[p]] += dy[p];
        }
    }
}
