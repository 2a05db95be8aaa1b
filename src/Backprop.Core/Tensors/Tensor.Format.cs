using System.Globalization;
using System.Text;

namespace Backprop;

// PyTorch-like text: tensor([[1.0000, 2.0000], [3.0000, 4.0000]], dtype=float32, op=matmul).
// Bounded and non-recursive: an empty tensor prints "[]" whatever its leading dimensions, and a tensor whose
// nested form would be too deep or show too many cells prints its first elements flat, with its shape.
public sealed partial class Tensor
{
    private const int ElideThreshold = 1000; // more elements than this: show 3 at each end of every dimension
    private const int EdgeItems = 3;
    private const int MaxNestedRank = 32;     // deeper tensors are printed flat
    private const int MaxVisibleCells = 4096; // more visible cells than this: printed flat
    private const int FlatCells = 6;

    /// <summary>
    /// The elements, NumPy/PyTorch style (elided with "..." beyond 1000 elements), then the dtype, the label,
    /// and either <c>requires_grad=True</c> (a leaf) or the op that produced the tensor. An empty tensor shows
    /// <c>[]</c> and its shape; a tensor of rank above 32, or one that would show more than 4096 elements even
    /// elided, shows its first 6 elements flat and its shape. The cost is bounded by the rank and those limits.
    /// </summary>
    public override string ToString()
    {
        if (_array is null) return $"tensor(<released>, shape={Shapes.Format(_shape)}, {DisplayName})"; // its data is gone
        bool elide = ElementCount > ElideThreshold;
        var sb = new StringBuilder("tensor(");
        bool showShape = elide;
        if (ElementCount == 0)
        {
            sb.Append("[]");
            showShape = Rank != 1;
        }
        else
        {
            int[][] visible = VisibleIndices(elide, out long cellCount);
            if (Rank > MaxNestedRank || cellCount > MaxVisibleCells)
            {
                AppendFlat(sb);
                showShape = true;
            }
            else AppendNested(sb, visible, elide, (int)cellCount);
        }
        if (showShape) sb.Append(", shape=").Append(Shapes.Format(_shape));
        sb.Append(", dtype=").Append(DType == DType.Float32 ? "float32" : "float64");
        if (Label is not null) sb.Append(", label=").Append(Label);
        if (!IsLeaf) sb.Append(", op=").Append(Op);
        else if (_requiresGrad) sb.Append(", requires_grad=True");
        return sb.Append(')').ToString();
    }

    // For each dimension, the indices shown (all, or 3 at each end when eliding); the product of their counts, saturated.
    private int[][] VisibleIndices(bool elide, out long cellCount)
    {
        var visible = new int[_shape.Length][];
        cellCount = 1;
        for (int d = 0; d < _shape.Length; d++)
        {
            int n = _shape[d];
            int[] shown = elide && n > 2 * EdgeItems ? [0, 1, 2, n - 3, n - 2, n - 1] : Enumerable.Range(0, n).ToArray();
            visible[d] = shown;
            cellCount = Math.Min(cellCount * shown.Length, (long)MaxVisibleCells + 1);
        }
        return visible;
    }

    private void AppendFlat(StringBuilder sb)
    {
        int shown = Math.Min(FlatCells, ElementCount);
        var flat = new int[shown];
        for (int i = 0; i < shown; i++) flat[i] = i;
        string[] cells = FormatCells(flat);
        sb.Append('[').AppendJoin(", ", cells);
        if (shown < ElementCount) sb.Append(", ...");
        sb.Append(']');
    }

    // The nested form, walking the visible cells with an odometer (no recursion).
    private void AppendNested(StringBuilder sb, int[][] visible, bool elide, int cellCount)
    {
        int rank = _shape.Length;
        var strides = new int[rank];
        for (int d = rank - 1, stride = 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= _shape[d];
        }
        var pos = new int[rank];
        var flat = new int[cellCount];
        for (int k = 0; k < cellCount; k++)
        {
            int offset = 0;
            for (int d = 0; d < rank; d++) offset += visible[d][pos[d]] * strides[d];
            flat[k] = offset;
            Advance(pos, visible);
        }
        string[] cells = FormatCells(flat);
        int width = 0;
        foreach (string c in cells) width = Math.Max(width, c.Length);

        Array.Clear(pos);
        sb.Append('[', rank);
        for (int k = 0; ; k++)
        {
            sb.Append(cells[k].PadLeft(width));
            int d = Advance(pos, visible);
            if (d < 0) break;
            bool gap = elide && visible[d][pos[d]] != visible[d][pos[d] - 1] + 1;
            sb.Append(']', rank - 1 - d).Append(',');
            AppendBreak(sb, d, rank, rank - d - 1);
            if (gap)
            {
                sb.Append("...,");
                AppendBreak(sb, d, rank, 1);
            }
            sb.Append('[', rank - 1 - d);
        }
        sb.Append(']', rank);
    }

    // Steps the odometer; returns the dimension that moved forward, or −1 after the last cell.
    private static int Advance(int[] pos, int[][] visible)
    {
        int d = pos.Length - 1;
        while (d >= 0 && pos[d] == visible[d].Length - 1) pos[d--] = 0;
        if (d >= 0) pos[d]++;
        return d;
    }

    private static void AppendBreak(StringBuilder sb, int dim, int rank, int newlines)
    {
        if (dim == rank - 1) sb.Append(' ');
        else sb.Append('\n', newlines).Append(' ', "tensor(".Length + dim + 1);
    }

    private string[] FormatCells(int[] flat)
    {
        bool allIntegers = true;
        double maxAbs = 0, minAbs = double.PositiveInfinity;
        foreach (int i in flat)
        {
            double x = GetFlat(i);
            if (!double.IsFinite(x)) continue;
            allIntegers &= double.IsInteger(x);
            double a = Math.Abs(x);
            maxAbs = Math.Max(maxAbs, a);
            if (a > 0) minAbs = Math.Min(minAbs, a);
        }
        bool scientific = maxAbs >= 1e8 || (!allIntegers && (maxAbs >= 1e5 || minAbs < 1e-4));
        var cells = new string[flat.Length];
        for (int k = 0; k < cells.Length; k++)
        {
            double x = GetFlat(flat[k]);
            cells[k] = double.IsNaN(x) ? "nan"
                : double.IsInfinity(x) ? (x > 0 ? "inf" : "-inf")
                : scientific ? x.ToString("0.0000e+00", CultureInfo.InvariantCulture)
                : allIntegers ? x.ToString("0", CultureInfo.InvariantCulture) + "."
                : x.ToString("0.0000", CultureInfo.InvariantCulture);
        }
        return cells;
    }
}
