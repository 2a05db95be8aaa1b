using System.Numerics;

namespace Backprop.Kernels;

/// <summary>
/// General matrix multiply on row-major storage: C ← α·op(A)·op(B) + β·C, where op(A) is m×k,
/// op(B) is k×n and C is m×n; op(X) is X or Xᵀ. Leading dimensions are row strides.
/// </summary>
/// <remarks>
/// Goto/BLIS structure: k is cut into KC slices, op(A) and op(B) blocks are packed into MR-row and
/// NR-column panels (transposes are read in place), and a register-blocked FMA micro-kernel
/// (AVX-512, AVX2 or scalar, chosen at run time) computes MR×NR tiles of C. Large products are
/// split across cores; small ones skip packing and are computed directly. When β = 0, C is written
/// without being read; when α = 0 or k = 0, A and B are not read and C ← β·C. C must not overlap A or B.
/// <para>The rounding is fixed (docs/reproducibility.md). Packed products: each C[i, j] is s ← β·C[i, j]
/// (0 when β = 0), then s ← fma(α·op(A)[i, q], op(B)[q, j], s) for q = 0 … k − 1 in order (α·a exact when
/// α = 1). Direct (small) products: fixed FMA chains from 0 (see GemmDirect), then C ← α·s or fma(s, α, β·C).
/// Which applies depends on the shape alone, so results are bit-identical on every SIMD path, cache size,
/// blocking and thread count.</para>
/// </remarks>
public static class Gemm
{
    /// <summary>The packed products' micro-kernel on this machine ("AVX-512", "AVX2" or "scalar"), and the direct
    /// products' vector width: what a benchmark's machine line should name.</summary>
    internal static string Kernels =>
        (GemmPaths.Hardware switch { GemmPath.Avx512 => "AVX-512", GemmPath.Avx2 => "AVX2", _ => "scalar" }) +
        (GemmPaths.SplitsWideVectors() && System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? " (512-bit units split in halves)" : "") +
        $", direct {(GemmPaths.DirectWide ? 512 : 256)}-bit";

    [ThreadStatic] private static GemmPath t_forcedPath;
    [ThreadStatic] private static GemmStrategy t_forcedStrategy;

    /// <summary>
    /// Forces a micro-kernel family for GEMM calls made on the current thread (tests use it to cover
    /// the fallbacks); <see cref="GemmPath.Auto"/> picks by hardware.
    /// </summary>
    internal static GemmPath ForcedPath
    {
        get => t_forcedPath;
        set => t_forcedPath = value;
    }

    /// <summary>
    /// Forces the packed or the direct strategy for GEMM calls made on the current thread (tests use
    /// it to cover both on every shape); <see cref="GemmStrategy.Auto"/> picks by size. The direct strategy
    /// runs on <c>Vector256</c> (in software without AVX2), with <c>Vector512</c> kernels on the AVX-512 path
    /// that give the same bits.
    /// </summary>
    internal static GemmStrategy ForcedStrategy
    {
        get => t_forcedStrategy;
        set => t_forcedStrategy = value;
    }

    /// <summary>Single-precision GEMM.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc) =>
        Run(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>Double-precision GEMM.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc) =>
        Run(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    private static unsafe void Run<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmArguments.Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == T.Zero)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        fixed (T* pa = a, pb = b, pc = c)
        {
            var problem = new GemmProblem<T>(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            GemmDriver<T>.Run(problem, GemmPaths.Resolve(), t_forcedStrategy);
        }
    }

    private static void ScaleC<T>(int m, int n, T beta, Span<T> c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (beta == T.One) return;
        for (int i = 0; i < m; i++)
        {
            Span<T> row = c.Slice(i * ldc, n);
            if (beta == T.Zero) row.Clear();
            else for (int j = 0; j < n; j++) row[j] *= beta;
        }
    }
}
