namespace Backprop;

/// <summary>Broadcasting by explicit offsets, for ops that walk elements one at a time (where, gather, the batch
/// items of matmul) rather than in vectorised blocks as <see cref="Broadcast"/> does.</summary>
internal static class BroadcastIndex
{
    /// <summary>The broadcast shape of <paramref name="x"/> and <paramref name="y"/> (aligned at their trailing
    /// dimensions); null when they do not broadcast, with <paramref name="axis"/> the first failing axis (negative,
    /// from the end) and <paramref name="left"/>, <paramref name="right"/> its sizes.</summary>
    public static int[]? Shape(int[] x, int[] y, out int axis, out int left, out int right)
    {
        int rank = Math.Max(x.Length, y.Length);
        var shape = new int[rank];
        axis = left = right = 0;
        for (int d = 1; d <= rank; d++)
        {
            int dx = d <= x.Length ? x[^d] : 1, dy = d <= y.Length ? y[^d] : 1;
            if (dx != dy && dx != 1 && dy != 1)
            {
                (axis, left, right) = (-d, dx, dy);
                return null;
            }
            shape[rank - d] = dx == 1 ? dy : dx;
        }
        return shape;
    }

    /// <summary>For every element of <paramref name="shape"/> (row-major), the offset of the element of an operand
    /// of shape <paramref name="operand"/> broadcast to it, times <paramref name="scale"/> (the size of one item
    /// when the elements are whole matrices). A broadcast dimension repeats the same offsets.</summary>
    public static int[] Offsets(int[] operand, int[] shape, int scale = 1)
    {
        int rank = shape.Length, shift = rank - operand.Length;
        var strides = new int[rank]; // 0 where the operand is broadcast
        for (int d = rank - 1, stride = 1; d >= shift; d--)
        {
            strides[d] = operand[d - shift] == 1 ? 0 : stride;
            stride *= operand[d - shift];
        }
        var offsets = new int[Shapes.ElementCount(shape)];
        var index = new int[rank];
        int offset = 0;
        for (int p = 0; p < offsets.Length; p++)
        {
            offsets[p] = offset * scale;
            for (int d = rank - 1; d >= 0; d--) // odometer
            {
                offset += strides[d];
                if (++index[d] < shape[d]) break;
                offset -= strides[d] * shape[d];
                index[d] = 0;
            }
        }
        return offsets;
    }
}
