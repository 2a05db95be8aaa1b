using System.Text;

namespace Backprop;

/// <summary>Shape arithmetic shared by the tensor operations: formatting, counting, axes, broadcasting.</summary>
internal static class Shapes
{
    /// <summary>"[2, 3]" (and "[]" for a scalar).</summary>
    public static string Format(IReadOnlyList<int> shape)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < shape.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i]);
        }
        return sb.Append(']').ToString();
    }

    /// <summary>The product of the dimensions; throws on a negative dimension or a shape that is too large.</summary>
    /// <remarks>The rule, the same whatever the order of the dimensions: every dimension is ≥ 0, and the product of
    /// the non-zero dimensions is at most <see cref="Array.MaxLength"/>. So [0, 65536, 65536] is rejected like
    /// [65536, 65536, 0] (PyTorch, with 64-bit sizes, accepts both), and no partial product of a valid shape —
    /// strides, outer and inner counts — can overflow an <see cref="int"/>.</remarks>
    public static int ElementCount(ReadOnlySpan<int> shape) => ElementCount("Tensor", shape);

    /// <summary><see cref="ElementCount(ReadOnlySpan{int})"/> with <paramref name="op"/> named in the message.</summary>
    public static int ElementCount(string op, ReadOnlySpan<int> shape)
    {
        string? problem = CheckShape(shape, out int count);
        if (problem is not null)
            throw new ArgumentException($"{op}: the shape {Format(shape.ToArray())} {problem}.", nameof(shape));
        return count;
    }

    /// <summary>Null and the element count when <paramref name="shape"/> is valid (see
    /// <see cref="ElementCount(ReadOnlySpan{int})"/>); otherwise what is wrong, as a phrase after "the shape [..]".</summary>
    public static string? CheckShape(ReadOnlySpan<int> shape, out int count)
    {
        count = 0;
        long nonZero = 1;
        bool empty = false;
        foreach (int d in shape)
        {
            if (d < 0) return "has a negative dimension; expected sizes ≥ 0";
            if (d == 0) { empty = true; continue; }
            nonZero *= d; // ≤ Array.MaxLength · int.MaxValue: no long overflow
            if (nonZero > Array.MaxLength)
                return $"is too large: the product of its non-zero dimensions exceeds {Array.MaxLength}; " +
                       "expected at most that many (zero-size shapes included, so the rule does not depend on the order of the dimensions)";
        }
        count = empty ? 0 : (int)nonZero;
        return null;
    }

    /// <summary>Maps a possibly negative axis (−1 = last) into [0, rank); throws naming the op and the shape.</summary>
    public static int NormalizeAxis(string op, int axis, int[] shape)
    {
        int rank = shape.Length;
        int a = axis < 0 ? axis + rank : axis;
        if ((uint)a >= (uint)rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis,
                $"{op}: axis {axis} is out of range for a tensor of shape {Format(shape)}; expected an axis in [{-rank}, {rank - 1}].");
        return a;
    }

    /// <summary>Views <paramref name="shape"/> as [outer, n, inner] around <paramref name="axis"/>.</summary>
    public static (int Outer, int N, int Inner) Split(int[] shape, int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        return (outer, shape[axis], inner);
    }

    /// <summary><paramref name="shape"/> with dimension <paramref name="axis"/> set to 1 (keepDim) or removed.</summary>
    public static int[] Reduce(int[] shape, int axis, bool keepDim)
    {
        if (keepDim)
        {
            int[] kept = (int[])shape.Clone();
            kept[axis] = 1;
            return kept;
        }
        var removed = new int[shape.Length - 1];
        for (int i = 0, j = 0; i < shape.Length; i++)
            if (i != axis) removed[j++] = shape[i];
        return removed;
    }

    public static bool Equal(int[] a, int[] b) => a.AsSpan().SequenceEqual(b);

    /// <summary>Throws a clear error when two operands have different dtypes (no silent promotion).</summary>
    public static void CheckSameDType(string op, Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
            throw new ArgumentException(
                $"{op}: cannot combine a {a.DType} tensor {Format(a._shape)} with a {b.DType} tensor {Format(b._shape)}; " +
                $"expected both to have the same dtype (convert one with .To(DType.{a.DType}) or .To(DType.{b.DType})).");
    }
}
