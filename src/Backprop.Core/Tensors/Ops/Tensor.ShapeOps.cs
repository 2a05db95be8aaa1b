using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop;

// Operations that move elements without changing them: reshape, transpose, row slices, row selection
// and concatenation. Each gradient puts the upstream gradient back where the element came from.
public sealed partial class Tensor
{
    /// <summary>
    /// The same elements in another shape (row-major order is kept); one dimension may be −1 and is then
    /// inferred. Like PyTorch's <c>view</c>, the result shares this tensor's storage. ∂/∂x = 1.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The element counts differ, or −1 cannot be inferred.</exception>
    public Tensor Reshape(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int[] s = (int[])shape.Clone();
        int infer = -1;
        long known = 1; // the product of the given sizes, saturated just above int.MaxValue (no overflow)
        for (int d = 0; d < s.Length; d++)
        {
            if (s[d] == -1 && infer < 0) infer = d;
            else if (s[d] < 0)
                throw new ShapeMismatchException("reshape", _shape, s,
                    $"reshape: cannot reshape {Shapes.Format(_shape)} into {Shapes.Format(s)}: expected sizes ≥ 0 and at most one −1.");
            else known = Math.Min(known * s[d], (long)int.MaxValue + 1);
        }
        string product = known > int.MaxValue ? $"more than {int.MaxValue}" : known.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (infer >= 0)
        {
            if (known == 0 || ElementCount % known != 0)
                throw new ShapeMismatchException("reshape", _shape, s,
                    $"reshape: cannot reshape {Shapes.Format(_shape)} ({ElementCount} elements) into {Shapes.Format(s)}: " +
                    $"expected the product of the other sizes ({product}) to divide {ElementCount}.");
            s[infer] = (int)(ElementCount / known);
        }
        else if (known != ElementCount)
            throw new ShapeMismatchException("reshape", _shape, s,
                $"reshape: cannot reshape {Shapes.Format(_shape)} ({ElementCount} elements) into {Shapes.Format(s)} " +
                $"({product} elements): expected equal element counts.");
        string? problem = Shapes.CheckShape(s, out _);
        if (problem is not null)
            throw new ShapeMismatchException("reshape", _shape, s,
                $"reshape: cannot reshape {Shapes.Format(_shape)} into {Shapes.Format(s)}: the shape {problem}.");
        return View(ReshapeOp, s);
    }

    private static readonly TensorOp ReshapeOp = new("reshape", "reshape"), SqueezeOp = new("squeeze", "reshape"), UnsqueezeOp = new("unsqueeze", "reshape"),
        TransposeOp = new("transpose", "ᵀ"), SliceOp = new("slice", "rows"), IndexSelectOp = new("index_select", "scatter-add"), ConcatOp = new("concat", "split");

    /// <summary>A tensor of <paramref name="shape"/> (same element count) sharing this tensor's storage, recorded
    /// as <paramref name="op"/>; ∂/∂x = 1 (the upstream gradient is added back element for element).</summary>
    private Tensor View(TensorOp op, int[] shape) =>
        Record(op, SharingStorage(shape), [this], static ctx =>
        {
            if (ctx.DType == DType.Float32) AddSame<float>(ctx.Upstream<float>(), ctx.Grad<float>(0));
            else AddSame<double>(ctx.Upstream<double>(), ctx.Grad<double>(0));
        }, Saved.None);

    private static void AddSame<T>(ReadOnlySpan<T> src, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        TensorPrimitives.Add(dst, src, dst);

    /// <summary>The transpose of a 2-D tensor, [m, n] → [n, m] (a copy). ∂L/∂x = (∂L/∂y)ᵀ.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not 2-D.</exception>
    public Tensor Transpose()
    {
        if (Rank != 2)
            throw new InvalidOperationException($"transpose: the tensor has shape {Shapes.Format(_shape)}; expected a 2-D tensor.");
        int m = _shape[0], n = _shape[1];
        Tensor y = NewUninitialized([n, m]); // every element is written
        if (DType == DType.Float32) TransposeInto<float>(Data<float>(), y.Data<float>(), m, n);
        else TransposeInto<double>(Data<double>(), y.Data<double>(), m, n);
        return Record(TransposeOp, y, [this], ctx =>
        {
            if (ctx.DType == DType.Float32) TransposeAdd<float>(ctx.Upstream<float>(), ctx.Grad<float>(0), n, m);
            else TransposeAdd<double>(ctx.Upstream<double>(), ctx.Grad<double>(0), n, m);
        }, Saved.None);
    }

    /// <summary>The transpose of a 2-D tensor (see <see cref="Transpose()"/>).</summary>
    public Tensor T => Transpose();

    /// <summary>Side of the square tiles a transpose walks: a tile's source rows and destination rows both stay in L1,
    /// where an untiled walk writes each destination cache line once per source row (ten times slower at 256 × 784).</summary>
    private const int TransposeTile = 32;

    /// <summary>y = xᵀ for x [m, n].</summary>
    private static void TransposeInto<T>(ReadOnlySpan<T> x, Span<T> y, int m, int n) where T : unmanaged, IFloatingPointIeee754<T> =>
        TransposeTiles<T, Assign>(x, y, m, n);

    /// <summary>dst += srcᵀ for src [rows, cols].</summary>
    private static void TransposeAdd<T>(ReadOnlySpan<T> src, Span<T> dst, int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T> =>
        TransposeTiles<T, Accumulate>(src, dst, rows, cols);

    /// <summary>How a transposed element lands in the destination: written, or added to what is there.</summary>
    private interface ITransposeStore
    {
        static abstract void Store<T>(ref T to, T value) where T : IFloatingPointIeee754<T>;
    }

    private readonly struct Assign : ITransposeStore
    {
        public static void Store<T>(ref T to, T value) where T : IFloatingPointIeee754<T> => to = value;
    }

    private readonly struct Accumulate : ITransposeStore
    {
        public static void Store<T>(ref T to, T value) where T : IFloatingPointIeee754<T> => to += value;
    }

    /// <summary>y[j, i] ← x[i, j] (or +=) for x [m, n], tile by tile.</summary>
    private static void TransposeTiles<T, TStore>(ReadOnlySpan<T> x, Span<T> y, int m, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where TStore : ITransposeStore
    {
        for (int i0 = 0; i0 < m; i0 += TransposeTile)
        {
            int i1 = Math.Min(m, i0 + TransposeTile);
            for (int j0 = 0; j0 < n; j0 += TransposeTile)
            {
                int j1 = Math.Min(n, j0 + TransposeTile);
                for (int j = j0; j < j1; j++)
                {
                    // Column j of the tile: read down the source rows (in range: (i1 − 1)·n + j < m·n), written along one destination row.
                    ref T from = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), i0 * n + j);
                    Span<T> to = y.Slice(j * m + i0, i1 - i0);
                    for (int i = 0; i < to.Length; i++) TStore.Store(ref to[i], Unsafe.Add(ref from, i * n));
                }
            }
        }
    }

    /// <summary>Rows <paramref name="start"/> … <paramref name="start"/> + <paramref name="length"/> − 1 along
    /// dimension 0 (a copy). The gradient is added back into those rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rows are out of range.</exception>
    public Tensor Slice(int start, int length)
    {
        if (Rank == 0) throw new InvalidOperationException("slice: the tensor is a scalar (shape []); expected at least one dimension.");
        int rows = _shape[0];
        if (start < 0 || length < 0 || start > rows - length)
            throw new ArgumentOutOfRangeException(nameof(start), start,
                $"slice: rows [{start}, {start + length}) are out of range for a tensor of shape {Shapes.Format(_shape)}; expected 0 ≤ start ≤ start + length ≤ {rows}.");
        int row = rows == 0 ? 0 : ElementCount / rows;
        int[] shape = (int[])_shape.Clone();
        shape[0] = length;
        Tensor y = NewUninitialized(shape); // every element is copied
        Array.Copy(_storage, start * row, y._storage, 0, length * row);
        return Record(SliceOp, y, [this], ctx =>
        {
            if (ctx.DType == DType.Float32) AddSame<float>(ctx.Upstream<float>(), ctx.Grad<float>(0).Slice(start * row, length * row));
            else AddSame<double>(ctx.Upstream<double>(), ctx.Grad<double>(0).Slice(start * row, length * row));
        }, Saved.None);
    }

    /// <summary>The rows listed in <paramref name="rows"/> along dimension 0, in that order (repeats allowed):
    /// how a mini-batch is gathered. The gradient is scatter-added back, so a repeated row collects the sum.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public Tensor IndexSelect(int[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (Rank == 0) throw new InvalidOperationException("index_select: the tensor is a scalar (shape []); expected at least one dimension.");
        int count = _shape[0];
        // The backward step needs the indices as they are now: a copy, when a graph is recorded.
        int[] index = _requiresGrad && !NoGrad.IsActive ? (int[])rows.Clone() : rows;
        foreach (int r in index)
            if ((uint)r >= (uint)count)
                throw new ArgumentOutOfRangeException(nameof(rows), r,
                    $"index_select: row {r} is out of range for a tensor of shape {Shapes.Format(_shape)}; expected indices in [0, {count - 1}].");
        int row = count == 0 ? 0 : ElementCount / count;
        int[] shape = (int[])_shape.Clone();
        shape[0] = index.Length;
        Tensor y = NewUninitialized(shape); // every row is copied
        for (int i = 0; i < index.Length; i++) Array.Copy(_storage, index[i] * row, y._storage, i * row, row);
        return Record(IndexSelectOp, y, [this], ctx =>
        {
            if (ctx.DType == DType.Float32) ScatterAddRows<float>(ctx.Upstream<float>(), ctx.Grad<float>(0), index, row);
            else ScatterAddRows<double>(ctx.Upstream<double>(), ctx.Grad<double>(0), index, row);
        }, Saved.None);
    }

    private static void ScatterAddRows<T>(ReadOnlySpan<T> dy, Span<T> dx, int[] index, int row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < index.Length; i++)
        {
            Span<T> target = dx.Slice(index[i] * row, row);
            TensorPrimitives.Add(target, dy.Slice(i * row, row), target);
        }
    }

    /// <summary>Joins tensors along <paramref name="axis"/>; all other dimensions must agree. Each input's
    /// gradient is its own block of the upstream gradient.</summary>
    /// <exception cref="ShapeMismatchException">Ranks or non-axis dimensions differ.</exception>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("concat: expected at least one tensor.", nameof(tensors));
        Tensor first = tensors[0] ?? throw new ArgumentException("concat: tensors[0] is null.", nameof(tensors));
        if (first.Rank == 0) throw new ArgumentException("concat: cannot concatenate scalars (shape []); expected tensors with at least one dimension.", nameof(tensors));
        int a = Shapes.NormalizeAxis("concat", axis, first._shape);
        var parents = new Tensor[tensors.Count];
        var sizes = new int[tensors.Count];
        int total = 0;
        for (int t = 0; t < parents.Length; t++)
        {
            Tensor x = tensors[t] ?? throw new ArgumentException($"concat: tensors[{t}] is null.", nameof(tensors));
            Shapes.CheckSameDType("concat", first, x);
            bool ok = x.Rank == first.Rank;
            for (int d = 0; ok && d < x.Rank; d++) ok = d == a || x._shape[d] == first._shape[d];
            if (!ok)
                throw new ShapeMismatchException("concat", first._shape, x._shape,
                    $"concat: cannot concatenate {Shapes.Format(first._shape)} with {Shapes.Format(x._shape)} along axis {a}: " +
                    $"expected the same rank and equal sizes in every dimension except axis {a}.");
            parents[t] = x;
            sizes[t] = x._shape[a];
            total += sizes[t];
        }
        int[] shape = (int[])first._shape.Clone();
        shape[a] = total;
        (int outer, _, int inner) = Shapes.Split(shape, a);
        Tensor y = first.NewZeros(shape);
        for (int o = 0; o < outer; o++)
        {
            int offset = o * total * inner;
            for (int t = 0; t < parents.Length; t++)
            {
                int block = sizes[t] * inner;
                Array.Copy(parents[t]._storage, o * block, y._storage, offset, block);
                offset += block;
            }
        }
        return Record(ConcatOp, y, parents, ctx =>
        {
            if (ctx.DType == DType.Float32) ConcatBackward<float>(ctx, sizes, total, outer, inner);
            else ConcatBackward<double>(ctx, sizes, total, outer, inner);
        }, Saved.None);
    }

    private static void ConcatBackward<T>(BackwardContext ctx, int[] sizes, int total, int outer, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> dy = ctx.Upstream<T>();
        int start = 0;
        for (int t = 0; t < sizes.Length; t++)
        {
            int block = sizes[t] * inner;
            if (ctx.NeedsGrad(t))
            {
                Span<T> dx = ctx.Grad<T>(t);
                for (int o = 0; o < outer; o++)
                {
                    Span<T> target = dx.Slice(o * block, block);
                    TensorPrimitives.Add(target, dy.Slice(o * total * inner + start, block), target);
                }
            }
            start += block;
        }
    }
}
