using System.Globalization;
using System.Text;

namespace Backprop;

// PyTorch-like text: tensor([[1.0000, 2.0000], [3.0000, 4.0000]], dtype=float32, op=matmul).
public sealed partial class Tensor
{
    private const int ElideThreshold = 1000; // more elements than this: show 3 at each end of every dimension
    private const int EdgeItems = 3;

    /// <summary>
    /// The elements, NumPy/PyTorch style (elided with "..." beyond 1000 elements), then the dtype, the label,
    /// and either <c>requires_grad=True</c> (a leaf) or the op that produced the tensor.
    /// </summary>
    public override string ToString()
    {
        bool elide = ElementCount > ElideThreshold;
        string[] cells = FormatCells(elide);
        int width = 0;
        foreach (string c in cells) width = Math.Max(width, c.Length);

        var sb = new StringBuilder("tensor(");
        int cell = 0;
        AppendDimension(sb, 0, 0, elide, cells, width, ref cell);
        if (elide) sb.Append(", shape=").Append(Shapes.Format(_shape));
        sb.Append(", dtype=").Append(DType == DType.Float32 ? "float32" : "float64");
        if (Label is not null) sb.Append(", label=").Append(Label);
        if (!IsLeaf) sb.Append(", op=").Append(Op);
        else if (_requiresGrad) sb.Append(", requires_grad=True");
        return sb.Append(')').ToString();
    }

    // Visits the visible elements in order, calling back with each flat index.
    private void VisitVisible(int dim, int offset, bool elide, List<int> flat)
    {
        if (dim == _shape.Length)
        {
            flat.Add(offset);
            return;
        }
        int n = _shape[dim], stride = 1;
        for (int d = dim + 1; d < _shape.Length; d++) stride *= _shape[d];
        for (int i = 0; i < n; i++)
        {
            if (elide && n > 2 * EdgeItems && i == EdgeItems) i = n - EdgeItems;
            VisitVisible(dim + 1, offset + i * stride, elide, flat);
        }
    }

    private string[] FormatCells(bool elide)
    {
        var flat = new List<int>();
        VisitVisible(0, 0, elide, flat);
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
        var cells = new string[flat.Count];
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

    private void AppendDimension(StringBuilder sb, int dim, int indent, bool elide, string[] cells, int width, ref int cell)
    {
        if (dim == _shape.Length)
        {
            sb.Append(cells[cell++].PadLeft(width));
            return;
        }
        sb.Append('[');
        int n = _shape[dim];
        bool last = dim == _shape.Length - 1;
        for (int i = 0; i < n; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
                if (last) sb.Append(' ');
                else
                {
                    sb.Append('\n', _shape.Length - dim - 1);
                    sb.Append(' ', "tensor(".Length + dim + 1);
                }
            }
            if (elide && n > 2 * EdgeItems && i == EdgeItems)
            {
                sb.Append("...,");
                if (last) sb.Append(' ');
                else sb.Append('\n').Append(' ', "tensor(".Length + dim + 1);
                i = n - EdgeItems;
            }
            AppendDimension(sb, dim + 1, indent, elide, cells, width, ref cell);
        }
        sb.Append(']');
    }
}
