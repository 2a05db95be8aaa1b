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

    /// <summary>The product of the dimensions; throws on a negative dimension or an overflow.</summary>
    public static int ElementCount(ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0)
                throw new ArgumentException($"Tensor: the shape {Format(shape.ToArray())} has a negative dimension; expected sizes ≥ 0.", nameof(shape));
            count *= d;
            if (count > Array.MaxLength)
                throw new ArgumentException($"Tensor: the shape {Format(shape.ToArray())} has more than {Array.MaxLength} elements.", nameof(shape));
        }
        return (int)count;
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
