using System.Numerics;
using Backprop.Kernels;
using System.Numerics.Tensors;

namespace Backprop;

/// <summary>
/// How two operands are laid over a result under NumPy broadcasting. The result is walked in blocks: the
/// longest trailing run of dimensions in which each operand is either contiguous or constant (a broadcast
/// scalar), so every block is one vectorised span∘span or span∘scalar call.
/// </summary>
internal readonly struct BlockPlan
{
    public readonly int Block;          // elements per block (contiguous in the result)
    public readonly bool FirstScalar;   // the first operand is constant over a block
    public readonly bool SecondScalar;  // the second operand is constant over a block
    public readonly int Outer;          // number of blocks
    private readonly int[] _outerShape, _stridesFirst, _stridesSecond;

    /// <param name="shape">The result shape.</param>
    /// <param name="first">The first operand's stride per result dimension (0 where it is broadcast).</param>
    /// <param name="second">The second operand's stride per result dimension (0 where it is broadcast).</param>
    public BlockPlan(int[] shape, int[] first, int[] second)
    {
        int rank = shape.Length;
        int last = rank - 1;
        while (last >= 0 && shape[last] == 1) last--;
        int start = 0;
        bool firstScalar = false, secondScalar = false;
        if (last >= 0)
        {
            firstScalar = first[last] == 0;
            secondScalar = second[last] == 0;
            start = last;
            while (start > 0 && (shape[start - 1] == 1 ||
                   ((first[start - 1] == 0) == firstScalar && (second[start - 1] == 0) == secondScalar)))
                start--;
        }
        int block = 1, outer = 1;
        for (int d = start; d < rank; d++) block *= shape[d];
        for (int d = 0; d < start; d++) outer *= shape[d];
        Block = block;
        Outer = block == 0 ? 0 : outer;
        FirstScalar = firstScalar;
        SecondScalar = secondScalar;
        _outerShape = shape[..start];
        _stridesFirst = first[..start];
        _stridesSecond = second[..start];
    }

    /// <summary>Walks the blocks: an odometer over the outer dimensions yielding each operand's offset.</summary>
    public Cursor Start() => new(this);

    public struct Cursor
    {
        private readonly int[] _shape, _sf, _ss, _index;
        public int First, Second;

        public Cursor(BlockPlan plan)
        {
            _shape = plan._outerShape;
            _sf = plan._stridesFirst;
            _ss = plan._stridesSecond;
            _index = new int[_shape.Length];
            First = Second = 0;
        }

        public void Next()
        {
            for (int d = _shape.Length - 1; d >= 0; d--)
            {
                First += _sf[d];
                Second += _ss[d];
                if (++_index[d] < _shape[d]) return;
                First -= _sf[d] * _shape[d];
                Second -= _ss[d] * _shape[d];
                _index[d] = 0;
            }
        }
    }

    /// <summary>y = a ∘ b over the result (y contiguous).</summary>
    public void Apply<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IBinaryOperator
    {
        Cursor c = Start();
        for (int o = 0; o < Outer; o++, c.Next())
        {
            Span<T> yb = y.Slice(o * Block, Block);
            if (FirstScalar) TOp.Apply(a[c.First], b.Slice(c.Second, Block), yb);
            else if (SecondScalar) TOp.Apply(a.Slice(c.First, Block), b[c.Second], yb);
            else TOp.Apply(a.Slice(c.First, Block), b.Slice(c.Second, Block), yb);
        }
    }

    /// <summary>dst ±= src summed over the dimensions where dst (the first operand) is broadcast;
    /// src is contiguous over the result shape. This is how a broadcast operand collects its gradient.</summary>
    public void ReduceInto<T>(ReadOnlySpan<T> src, Span<T> dst, bool subtract) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Cursor c = Start();
        for (int o = 0; o < Outer; o++, c.Next())
        {
            ReadOnlySpan<T> sb = src.Slice(o * Block, Block);
            if (FirstScalar)
            {
                T s = FixedOrder.Sum(sb);
                dst[c.First] = subtract ? dst[c.First] - s : dst[c.First] + s;
            }
            else
            {
                Span<T> db = dst.Slice(c.First, Block);
                if (subtract) TensorPrimitives.Subtract(db, sb, db);
                else TensorPrimitives.Add(db, sb, db);
            }
        }
    }
}

/// <summary>NumPy broadcasting of two operands: the result shape and the block plans the forward and backward
/// passes walk. Shapes are aligned at their trailing dimensions; each pair must be equal or contain a 1.</summary>
internal sealed class Broadcast
{
    public readonly int[] Shape;
    public readonly bool Same;           // both operands already have the result shape
    public readonly BlockPlan AB;        // a ∘ b
    public readonly BlockPlan AOverResult; // a (strided) against a contiguous result-shaped tensor
    public readonly BlockPlan BOverResult; // b (strided) against a contiguous result-shaped tensor
    public readonly BlockPlan ResultOverB; // a contiguous result-shaped tensor against b (strided)

    private Broadcast(int[] shape, int[] sa, int[] sb, bool same)
    {
        Shape = shape;
        Same = same;
        int[] contiguous = Contiguous(shape);
        AB = new BlockPlan(shape, sa, sb);
        AOverResult = new BlockPlan(shape, sa, contiguous);
        BOverResult = new BlockPlan(shape, sb, contiguous);
        ResultOverB = new BlockPlan(shape, contiguous, sb);
    }

    public int Count => Shapes.ElementCount(Shape);

    /// <summary>Broadcasts <paramref name="a"/> with <paramref name="b"/>, or throws a
    /// <see cref="ShapeMismatchException"/> naming <paramref name="op"/> and both shapes.</summary>
    public static Broadcast Of(string op, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Shapes.CheckSameDType(op, a, b);
        int[] x = a._shape, y = b._shape;
        int rank = Math.Max(x.Length, y.Length);
        var shape = new int[rank];
        for (int d = 1; d <= rank; d++)
        {
            int dx = d <= x.Length ? x[^d] : 1;
            int dy = d <= y.Length ? y[^d] : 1;
            if (dx != dy && dx != 1 && dy != 1)
                throw new ShapeMismatchException(op, x, y,
                    $"{op}: cannot broadcast {Shapes.Format(x)} with {Shapes.Format(y)}: expected each pair of trailing " +
                    $"dimensions to be equal or 1 ({dx} ≠ {dy} at axis {-d}).");
            shape[rank - d] = dx == 1 ? dy : dx;
        }
        bool same = Shapes.Equal(x, shape) && Shapes.Equal(y, shape);
        return new Broadcast(shape, Strides(x, shape), Strides(y, shape), same);
    }

    private static int[] Contiguous(int[] shape)
    {
        var s = new int[shape.Length];
        int stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            s[d] = stride;
            stride *= shape[d];
        }
        return s;
    }

    // The operand's stride along each result dimension; 0 where it is broadcast (missing or size 1).
    private static int[] Strides(int[] operand, int[] shape)
    {
        var s = new int[shape.Length];
        int offset = shape.Length - operand.Length, stride = 1;
        for (int d = operand.Length - 1; d >= 0; d--)
        {
            s[d + offset] = operand[d] == 1 ? 0 : stride;
            stride *= operand[d];
        }
        return s;
    }
}
