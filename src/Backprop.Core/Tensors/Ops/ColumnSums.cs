using System.Numerics;

namespace Backprop;

/// <summary>Sums over the rows of a row-major matrix, column by column: a Linear layer's bias gradient
/// (Σ over the batch of δ) and <see cref="Tensor.Sum(int, bool)"/> over a leading axis.</summary>
internal static class ColumnSums
{
    /// <summary>db[j] += Σ_r δ[r, j] for δ of shape [rows, cols], with the running sums kept in registers
    /// (rows are added in order, as a row-by-row sum would, so results do not depend on the width).</summary>
    public static void AddTo<T>(ReadOnlySpan<T> delta, int rows, int cols, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int width = Vector<T>.Count;
            for (; j <= cols - 4 * width; j += 4 * width)   // four vectors per pass over the rows: fewer passes, more ILP
            {
                var acc0 = new Vector<T>(db.Slice(j, width));
                var acc1 = new Vector<T>(db.Slice(j + width, width));
                var acc2 = new Vector<T>(db.Slice(j + 2 * width, width));
                var acc3 = new Vector<T>(db.Slice(j + 3 * width, width));
                for (int r = 0; r < rows; r++)
                {
                    ReadOnlySpan<T> row = delta.Slice(r * cols + j, 4 * width);
                    acc0 += new Vector<T>(row);
                    acc1 += new Vector<T>(row[width..]);
                    acc2 += new Vector<T>(row[(2 * width)..]);
                    acc3 += new Vector<T>(row[(3 * width)..]);
                }
                acc0.CopyTo(db.Slice(j, width));
                acc1.CopyTo(db.Slice(j + width, width));
                acc2.CopyTo(db.Slice(j + 2 * width, width));
                acc3.CopyTo(db.Slice(j + 3 * width, width));
            }
            for (; j <= cols - width; j += width)
            {
                var acc = new Vector<T>(db.Slice(j, width));
                for (int r = 0; r < rows; r++) acc += new Vector<T>(delta.Slice(r * cols + j, width));
                acc.CopyTo(db.Slice(j, width));
            }
        }
        for (; j < cols; j++)
        {
            T sum = db[j];
            for (int r = 0; r < rows; r++) sum += delta[r * cols + j];
            db[j] = sum;
        }
    }
}
