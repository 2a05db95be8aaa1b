namespace Backprop.Kernels;

/// <summary>Argument checks for <see cref="Gemm"/>: dimensions, leading dimensions and span lengths.</summary>
internal static class GemmArguments
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming Gemm, the shapes and what was expected.</summary>
    public static void Validate(bool transposeA, bool transposeB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(m < 0 ? "m" : n < 0 ? "n" : "k",
                $"Gemm: dimensions must be non-negative, got m = {m}, n = {n}, k = {k}.");
        // Stored shapes: A is m×k (or k×m when transposed), B is k×n (or n×k), C is m×n.
        Operand("a", "A", "lda", transposeA, transposeA ? k : m, transposeA ? m : k, lda, aLength, m, n, k);
        Operand("b", "B", "ldb", transposeB, transposeB ? n : k, transposeB ? k : n, ldb, bLength, m, n, k);
        Operand("c", "C", "ldc", null, m, n, ldc, cLength, m, n, k);
    }

    private static void Operand(string param, string name, string ldName, bool? transposed,
        int rows, int cols, int ld, int length, int m, int n, int k)
    {
        // An operand with no elements (e.g. A of m×0 when k = 0) is never read, so any ld ≥ its column count will do.
        bool empty = rows == 0 || cols == 0;
        long needed = empty ? 0 : (long)(rows - 1) * ld + cols;
        int minLd = empty ? cols : Math.Max(1, cols);
        if (ld >= minLd && length >= needed) return;

        // Messages are built only on failure, so a valid call allocates nothing.
        string shape = $"m = {m}, n = {n}, k = {k}";
        string stored = transposed is bool t
            ? $"stored {name} is {rows}×{cols} (transpose{name} = {(t ? "true" : "false")})"
            : $"{name} is {rows}×{cols}";
        if (ld < minLd)
            throw new ArgumentException(
                $"Gemm ({shape}): {stored}, so {ldName} must be at least {minLd}, but {ldName} = {ld}.", ldName);
        throw new ArgumentException(
            $"Gemm ({shape}): {stored} with {ldName} = {ld} needs at least {needed} elements, but span {param} has {length}.", param);
    }
}
