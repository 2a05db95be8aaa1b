using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// 256-bit FMA micro-kernel: a 6 × (2 vectors) tile (6×16 float, 6×8 double) held in 12 of the 16
/// ymm registers; each step of p broadcasts one element of the A panel and FMAs it into two vectors
/// of the B panel.
/// </summary>
internal readonly unsafe struct Avx2MicroKernel<T> : IGemmMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int MR => 6;
    public static int NR => 2 * Vector256<T>.Count;

    public static void Run(int kc, T* a, T* b, T* c, nint ldc, T beta)
    {
        int w = Vector256<T>.Count;
        Vector256<T> vb = Vector256.Create(beta);
        Vector256<T> c00 = Start(c + 0 * ldc, beta, vb), c01 = Start(c + 0 * ldc + w, beta, vb);
        Vector256<T> c10 = Start(c + 1 * ldc, beta, vb), c11 = Start(c + 1 * ldc + w, beta, vb);
        Vector256<T> c20 = Start(c + 2 * ldc, beta, vb), c21 = Start(c + 2 * ldc + w, beta, vb);
        Vector256<T> c30 = Start(c + 3 * ldc, beta, vb), c31 = Start(c + 3 * ldc + w, beta, vb);
        Vector256<T> c40 = Start(c + 4 * ldc, beta, vb), c41 = Start(c + 4 * ldc + w, beta, vb);
        Vector256<T> c50 = Start(c + 5 * ldc, beta, vb), c51 = Start(c + 5 * ldc + w, beta, vb);
        for (int p = 0; p < kc; p++)
        {
            Vector256<T> b0 = Vector256.Load(b), b1 = Vector256.Load(b + w);
            Vector256<T> ai = Vector256.Create(a[0]);
            c00 = VectorFma.MulAdd(ai, b0, c00); c01 = VectorFma.MulAdd(ai, b1, c01);
            ai = Vector256.Create(a[1]);
            c10 = VectorFma.MulAdd(ai, b0, c10); c11 = VectorFma.MulAdd(ai, b1, c11);
            ai = Vector256.Create(a[2]);
            c20 = VectorFma.MulAdd(ai, b0, c20); c21 = VectorFma.MulAdd(ai, b1, c21);
            ai = Vector256.Create(a[3]);
            c30 = VectorFma.MulAdd(ai, b0, c30); c31 = VectorFma.MulAdd(ai, b1, c31);
            ai = Vector256.Create(a[4]);
            c40 = VectorFma.MulAdd(ai, b0, c40); c41 = VectorFma.MulAdd(ai, b1, c41);
            ai = Vector256.Create(a[5]);
            c50 = VectorFma.MulAdd(ai, b0, c50); c51 = VectorFma.MulAdd(ai, b1, c51);
            a += 6;
            b += 2 * w;
        }
        Vector256.Store(c00, c + 0 * ldc); Vector256.Store(c01, c + 0 * ldc + w);
        Vector256.Store(c10, c + 1 * ldc); Vector256.Store(c11, c + 1 * ldc + w);
        Vector256.Store(c20, c + 2 * ldc); Vector256.Store(c21, c + 2 * ldc + w);
        Vector256.Store(c30, c + 3 * ldc); Vector256.Store(c31, c + 3 * ldc + w);
        Vector256.Store(c40, c + 4 * ldc); Vector256.Store(c41, c + 4 * ldc + w);
        Vector256.Store(c50, c + 5 * ldc); Vector256.Store(c51, c + 5 * ldc + w);
    }

    /// <summary>The running sum's start: 0 (C not read, so NaN in C cannot leak) when β = 0, else β·C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Start(T* c, T beta, Vector256<T> vb) => beta == T.Zero ? Vector256<T>.Zero : vb * Vector256.Load(c);
}
