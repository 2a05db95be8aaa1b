using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>
/// Portable scalar micro-kernel: a 4×4 tile in 16 scalar accumulators. It uses fused multiply-adds
/// (<see cref="IFloatingPointIeee754{TSelf}"/>.FusedMultiplyAdd, exact in software where the hardware has
/// no FMA), so its results are bit-identical to the vector kernels'.
/// </summary>
internal readonly unsafe struct ScalarMicroKernel<T> : IGemmMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int MR => 4;
    public static int NR => 4;

    public static void Run(int kc, T* a, T* b, T* c, nint ldc, T beta)
    {
        T* c1 = c + ldc, c2 = c + 2 * ldc, c3 = c + 3 * ldc;
        T c00 = Start(c, beta), c01 = Start(c + 1, beta), c02 = Start(c + 2, beta), c03 = Start(c + 3, beta);
        T c10 = Start(c1, beta), c11 = Start(c1 + 1, beta), c12 = Start(c1 + 2, beta), c13 = Start(c1 + 3, beta);
        T c20 = Start(c2, beta), c21 = Start(c2 + 1, beta), c22 = Start(c2 + 2, beta), c23 = Start(c2 + 3, beta);
        T c30 = Start(c3, beta), c31 = Start(c3 + 1, beta), c32 = Start(c3 + 2, beta), c33 = Start(c3 + 3, beta);
        for (int p = 0; p < kc; p++)
        {
            T b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            T ai = a[0];
            c00 = T.FusedMultiplyAdd(ai, b0, c00); c01 = T.FusedMultiplyAdd(ai, b1, c01);
            c02 = T.FusedMultiplyAdd(ai, b2, c02); c03 = T.FusedMultiplyAdd(ai, b3, c03);
            ai = a[1];
            c10 = T.FusedMultiplyAdd(ai, b0, c10); c11 = T.FusedMultiplyAdd(ai, b1, c11);
            c12 = T.FusedMultiplyAdd(ai, b2, c12); c13 = T.FusedMultiplyAdd(ai, b3, c13);
            ai = a[2];
            c20 = T.FusedMultiplyAdd(ai, b0, c20); c21 = T.FusedMultiplyAdd(ai, b1, c21);
            c22 = T.FusedMultiplyAdd(ai, b2, c22); c23 = T.FusedMultiplyAdd(ai, b3, c23);
            ai = a[3];
            c30 = T.FusedMultiplyAdd(ai, b0, c30); c31 = T.FusedMultiplyAdd(ai, b1, c31);
            c32 = T.FusedMultiplyAdd(ai, b2, c32); c33 = T.FusedMultiplyAdd(ai, b3, c33);
            a += 4;
            b += 4;
        }
        c[0] = c00; c[1] = c01; c[2] = c02; c[3] = c03;
        c1[0] = c10; c1[1] = c11; c1[2] = c12; c1[3] = c13;
        c2[0] = c20; c2[1] = c21; c2[2] = c22; c2[3] = c23;
        c3[0] = c30; c3[1] = c31; c3[2] = c32; c3[3] = c33;
    }

    /// <summary>The running sum's start: 0 (C not read) when β = 0, else β·C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Start(T* c, T beta) => beta == T.Zero ? T.Zero : beta * *c;
}
