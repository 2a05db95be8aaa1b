using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>Which micro-kernel family a GEMM call runs on.</summary>
internal enum GemmPath
{
    /// <summary>Pick the fastest family the hardware supports.</summary>
    Auto,
    /// <summary>512-bit vectors (<c>Vector512</c>), 8 rows × 2 vectors.</summary>
    Avx512,
    /// <summary>256-bit vectors with FMA (<c>Vector256</c>), 6 rows × 2 vectors.</summary>
    Avx2,
    /// <summary>Plain scalar arithmetic, 4 × 4.</summary>
    Scalar,
}

/// <summary>Run-time choice of the micro-kernel family.</summary>
internal static class GemmPaths
{
    /// <summary>The best family this machine runs natively.</summary>
    public static GemmPath Hardware { get; } =
        Avx512F.IsSupported ? GemmPath.Avx512
        : Avx2.IsSupported && Fma.IsSupported ? GemmPath.Avx2
        : GemmPath.Scalar;

    /// <summary>
    /// The family to use for a call on the current thread: <see cref="Gemm.ForcedPath"/> when set,
    /// otherwise <see cref="Hardware"/>. Forcing a family the hardware lacks is still correct (the
    /// <c>Vector256/Vector512</c> APIs fall back to software), only slow; tests rely on that.
    /// </summary>
    public static GemmPath Resolve() => Gemm.ForcedPath == GemmPath.Auto ? Hardware : Gemm.ForcedPath;
}
