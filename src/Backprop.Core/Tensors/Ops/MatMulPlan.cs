namespace Backprop;

/// <summary>
/// How <see cref="Tensor.MatMul(Tensor, Tensor)"/> lays two operands over Gemm calls: the result shape, the
/// matrix sizes m × k × n, and for each batch item the offsets of its A and B matrices. A 1-D operand is a
/// [1, k] row (left) or a [k, 1] column (right), which has the same row-major layout, and its unit dimension is
/// dropped from the result. Three layouts, cheapest first: B a single matrix (every row of A, whatever its batch
/// dimensions, goes through one Gemm), equal batch dimensions (item p at p·m·k and p·k·n), and broadcast batch
/// dimensions (an offset table; a broadcast operand's items repeat the same offset).
/// </summary>
internal sealed class MatMulPlan
{
    public readonly int[] Shape;
    public readonly int Batches, M, N, K;
    private readonly int _strideA, _strideB;
    private readonly int[]? _offsetsA, _offsetsB;

    private MatMulPlan(int[] shape, int batches, int m, int n, int k, int strideA, int strideB, int[]? offsetsA, int[]? offsetsB)
    {
        Shape = shape;
        Batches = batches;
        M = m;
        N = n;
        K = k;
        _strideA = strideA;
        _strideB = strideB;
        _offsetsA = offsetsA;
        _offsetsB = offsetsB;
    }

    /// <summary>The offset of batch item <paramref name="p"/>'s matrix in A.</summary>
    public int OffsetA(int p) => _offsetsA is null ? p * _strideA : _offsetsA[p];

    /// <summary>The offset of batch item <paramref name="p"/>'s matrix in B.</summary>
    public int OffsetB(int p) => _offsetsB is null ? p * _strideB : _offsetsB[p];

    public static MatMulPlan Of(int[] sa, int[] sb)
    {
        if (sa.Length == 0 || sb.Length == 0)
            throw new ShapeMismatchException("matmul", sa, sb,
                $"matmul: cannot multiply {Shapes.Format(sa)} by {Shapes.Format(sb)}: expected operands with at least one dimension " +
                "(for a scalar factor use *).");
        bool vectorA = sa.Length == 1, vectorB = sb.Length == 1;
        int m = vectorA ? 1 : sa[^2], k = sa[^1];
        int kb = vectorB ? sb[0] : sb[^2], n = vectorB ? 1 : sb[^1];
        if (k != kb)
            throw new ShapeMismatchException("matmul", sa, sb,
                $"matmul: cannot multiply {Shapes.Format(sa)} by {Shapes.Format(sb)}: expected the inner dimensions to agree ({k} ≠ {kb})");
        int[] batchA = vectorA ? [] : sa[..^2], batchB = vectorB ? [] : sb[..^2];
        int[] tail = vectorA ? (vectorB ? [] : [n]) : (vectorB ? [m] : [m, n]);

        if (batchB.Length == 0) // one matrix B: A's batch rows are contiguous, so this is one [batch·m, k] × [k, n] Gemm
            return new MatMulPlan([.. batchA, .. tail], 1, Product(batchA) * m, n, k, 0, 0, null, null);
        if (Shapes.Equal(batchA, batchB))
            return new MatMulPlan([.. batchA, .. tail], Product(batchA), m, n, k, m * k, k * n, null, null);

        int[] batch = BroadcastIndex.Shape(batchA, batchB, out int axis, out int x, out int y)
            ?? throw new ShapeMismatchException("matmul", sa, sb,
                $"matmul: cannot multiply {Shapes.Format(sa)} by {Shapes.Format(sb)}: expected the batch dimensions " +
                $"{Shapes.Format(batchA)} and {Shapes.Format(batchB)} to broadcast ({x} ≠ {y} at batch axis {axis}).");
        int[] shape = [.. batch, .. tail];
        Shapes.ElementCount("matmul", shape);
        int batches = Product(batch);
        return new MatMulPlan(shape, batches, m, n, k, 0, 0,
            BroadcastIndex.Offsets(batchA, batch, m * k), BroadcastIndex.Offsets(batchB, batch, k * n));
    }

    private static int Product(int[] dims)
    {
        int p = 1;
        foreach (int d in dims) p *= d;
        return p;
    }
}
