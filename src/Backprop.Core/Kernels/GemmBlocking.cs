using System.Runtime.CompilerServices;
namespace Backprop.Kernels;

/// <summary>
/// Cache blocking for the Goto/BLIS loop nest. A KC×NR micro-panel of B stays in L1 while the
/// micro-kernel streams MR×KC micro-panels of A past it; the packed MC×KC block of A lives in L2;
/// the packed KC×NC block of B lives in L3.
/// </summary>
internal static class GemmBlocking
{
    private static (int KC, int MC, int NC) s_override;

    /// <summary>
    /// Test hook: block sizes to use instead of the cache-derived ones (0 keeps the automatic value; MC and NC
    /// are rounded to multiples of the tile). Process-wide, so it also reaches the second thread of a split
    /// product; since results do not depend on the blocking (docs/reproducibility.md), other threads' products
    /// are unaffected except in speed.
    /// </summary>
    internal static (int KC, int MC, int NC) Override
    {
        get => s_override;
        set => s_override = value;
    }

    /// <summary>
    /// Depth of one rank-KC update (the shared dimension k is cut into KC slices): the KC×NR
    /// micro-panel of B takes about 16 KB, half of a 32 KB L1 (256 for 6×16 float, 128 for 8×32 float).
    /// </summary>
    public static int KC<T>(int nr) where T : unmanaged =>
        s_override.KC > 0 ? s_override.KC : Math.Clamp(16384 / (nr * Unsafe.SizeOf<T>()) / 8 * 8, 64, 256);

    /// <summary>
    /// The slice depth for a given k: at most <paramref name="kcMax"/>, and even (784 → 4 × 196
    /// rather than 3 × 256 + 16), so no slice is so thin that loading and storing C tiles dominates it.
    /// </summary>
    public static int SliceDepth(int k, int kcMax)
    {
        int slices = (k + kcMax - 1) / kcMax;
        return (k + slices - 1) / slices;
    }

    /// <summary>Rows of op(A) packed at once: about 150 KB, a share of a 512 KB L2; a multiple of MR.</summary>
    public static int MC<T>(int mr) where T : unmanaged => s_override.MC > 0 ? RoundDown(s_override.MC, mr) : RoundDown(144 * 4 / Unsafe.SizeOf<T>(), mr);

    /// <summary>Columns of op(B) packed at once: about 2 MB, a share of L3; a multiple of NR.</summary>
    public static int NC<T>(int nr) where T : unmanaged => s_override.NC > 0 ? RoundDown(s_override.NC, nr) : RoundDown(2048 * 4 / Unsafe.SizeOf<T>(), nr);

    /// <summary>The smallest multiple of <paramref name="step"/> that is at least <paramref name="value"/>.</summary>
    public static int RoundUp(int value, int step) => (value + step - 1) / step * step;

    private static int RoundDown(int value, int step) => Math.Max(step, value / step * step);
}
