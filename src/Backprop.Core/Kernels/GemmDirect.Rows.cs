using System.Numerics;

namespace Backprop.Kernels;

/// <summary>The direct product's row loop: its operands once op(B) is in place, and the choice of the 256-bit
/// (<see cref="NarrowRows"/>) or 512-bit (<see cref="WideRows"/>) kernels.</summary>
internal static unsafe partial class GemmDirect<T>
{
    /// <summary>The operands of <see cref="Vectors"/> after op(B) is in place.</summary>
    private readonly struct RowBlocks(GemmProblem<T> p, T* b, nint ldb, int width, nint rowStep, nint depthStep, nint cRow, nint cColumn)
    {
        public readonly GemmProblem<T> P = p;
        public readonly T* B = b;
        public readonly nint Ldb = ldb, RowStep = rowStep, DepthStep = depthStep, CRow = cRow, CColumn = cColumn;
        public readonly int Width = width;
    }

    /// <summary>Every row of C, by the 512-bit kernels (<paramref name="wide"/>) or the 256-bit ones.</summary>
    private static void AllRows(in RowBlocks rows, bool wide)
    {
        if (wide) WideRows(rows, 0, rows.P.M);
        else NarrowRows(rows, 0, rows.P.M);
    }
}
