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
    /// <summary>The best family this machine runs natively: 512-bit where its vector units are 512 bits wide, 256-bit
    /// on CPUs with AVX-512 on 256-bit units (see <see cref="SplitsWideVectors"/>).</summary>
    public static GemmPath Hardware { get; } =
        Avx512F.IsSupported && !SplitsWideVectors() ? GemmPath.Avx512
        : Avx2.IsSupported && Fma.IsSupported ? GemmPath.Avx2
        : Avx512F.IsSupported ? GemmPath.Avx512
        : GemmPath.Scalar;

    /// <summary>
    /// Whether the CPU runs each 512-bit operation as two 256-bit halves: AMD's Zen 4 (family 19h, the first AMD
    /// cores with AVX-512). There the 512-bit micro-kernel does the same multiply-adds per cycle as the 256-bit one,
    /// with a larger tile and twice the packing per step, and measured slower: on a 2-core Zen 4 EPYC, 1024³ took
    /// 13.2–13.8 ms against 11.5 ms, and 256·256·784 on one core 1.36 against 1.22 ms. Zen 5 (family 1Ah) desktop and
    /// server cores have full-width units, and keep the 512-bit kernel. Results do not depend on the choice (the kernels
    /// give the same bits).
    /// </summary>
    internal static bool SplitsWideVectors()
    {
        if (!X86Base.IsSupported) return false;
        (_, int ebx, int ecx, int edx) = X86Base.CpuId(0, 0);
        bool amd = ebx == 0x68747541 && edx == 0x69746E65 && ecx == 0x444D4163;   // "AuthenticAMD"
        if (!amd) return false;
        int eax = X86Base.CpuId(1, 0).Eax;
        int baseFamily = (eax >> 8) & 0xF;
        int family = baseFamily == 0xF ? baseFamily + ((eax >> 20) & 0xFF) : baseFamily;
        return family == 0x19;
    }

    /// <summary>Whether the direct (small-product) kernels run 512 bits wide: on AVX-512 hardware whenever no other
    /// family is forced. Unlike the packed kernel's, their 512-bit form measured a little faster on Zen 4 too
    /// (256·10·128: 10.8 against 11.6 µs), so they follow the hardware, not <see cref="Hardware"/>.</summary>
    public static bool DirectWide =>
        System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated && Gemm.ForcedPath is GemmPath.Auto or GemmPath.Avx512;

    /// <summary>
    /// The family to use for a call on the current thread: <see cref="Gemm.ForcedPath"/> when set,
    /// otherwise <see cref="Hardware"/>. Forcing a family the hardware lacks is still correct (the
    /// <c>Vector256/Vector512</c> APIs fall back to software), only slow; tests rely on that.
    /// </summary>
    public static GemmPath Resolve() => Gemm.ForcedPath == GemmPath.Auto ? Hardware : Gemm.ForcedPath;
}
