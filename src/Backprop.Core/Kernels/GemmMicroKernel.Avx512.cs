using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// 512-bit FMA micro-kernel: an 8 × (2 vectors) tile (8×32 float, 8×16 double) held in 16 of the 32
/// zmm registers, leaving room for the two B vectors and the broadcast A element.
/// </summary>
internal readonly unsafe struct Avx512MicroKernel<T> : IGemmMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int MR => 8;
    public static int NR => 2 * Vector512<T>.Count;

    public static void Run(int kc, T* a, T* b, T* c, nint ldc, T beta)
    {
        int w = Vector512<T>.Count;
        Vector512<T> vb = Vector512.Create(beta);
        Vector512<T> c00 = Start(c + 0 * ldc, beta, vb), c01 = Start(c + 0 * ldc + w, beta, vb);
        Vector512<T> c10 = Start(c + 1 * ldc, beta, vb), c11 = Start(c + 1 * ldc + w, beta, vb);
        Vector512<T> c20 = Start(c + 2 * ldc, beta, vb), c21 = Start(c + 2 * ldc + w, beta, vb);
        Vector512<T> c30 = Start(c + 3 * ldc, beta, vb), c31 = Start(c + 3 * ldc + w, beta, vb);
        Vector512<T> c40 = Start(c + 4 * ldc, beta, vb), c41 = Start(c + 4 * ldc + w, beta, vb);
        Vector512<T> c50 = Start(c + 5 * ldc, beta, vb), c51 = Start(c + 5 * ldc + w, beta, vb);
        Vector512<T> c60 = Start(c + 6 * ldc, beta, vb), c61 = Start(c + 6 * ldc + w, beta, vb);
        Vector512<T> c70 = Start(c + 7 * ldc, beta, vb), c71 = Start(c + 7 * ldc + w, beta, vb);
        for (int p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.Load(b), b1 = Vector512.Load(b + w);
            Vector512<T> ai = Vector512.Create(a[0]);
            c00 = VectorFma.MulAdd(ai, b0, c00); c01 = VectorFma.MulAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = VectorFma.MulAdd(ai, b0, c10); c11 = VectorFma.MulAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = VectorFma.MulAdd(ai, b0, c20); c21 = VectorFma.MulAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = VectorFma.MulAdd(ai, b0, c30); c31 = VectorFma.MulAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = VectorFma.MulAdd(ai, b0, c40); c41 = VectorFma.MulAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = VectorFma.MulAdd(ai, b0, c50); c51 = VectorFma.MulAdd(ai, b1, c51);
            ai = Vector512.Create(a[6]);
            c60 = VectorFma.MulAdd(ai, b0, c60); c61 = VectorFma.MulAdd(ai, b1, c61);
            ai = Vector512.Create(a[7]);
            c70 = VectorFma.MulAdd(ai, b0, c70); c71 = VectorFma.MulAdd(ai, b1, c71);
            a += 8;
            b += 2 * w;
        }
        Vector512.Store(c00, c + 0 * ldc); Vector512.Store(c01, c + 0 * ldc + w);
        Vector512.Store(c10, c + 1 * ldc); Vector512.Store(c11, c + 1 * ldc + w);
        Vector512.Store(c20, c + 2 * ldc); Vector512.Store(c21, c + 2 * ldc + w);
        Vector512.Store(c30, c + 3 * ldc); Vector512.Store(c31, c + 3 * ldc + w);
        Vector512.Store(c40, c + 4 * ldc); Vector512.Store(c41, c + 4 * ldc + w);
        Vector512.Store(c50, c + 5 * ldc); Vector512.Store(c51, c + 5 * ldc + w);
        Vector512.Store(c60, c + 6 * ldc); Vector512.Store(c61, c + 6 * ldc + w);
        Vector512.Store(c70, c + 7 * ldc); Vector512.Store(c71, c + 7 * ldc + w);
    }

    /// <summary>The running sum's start: 0 (C not read, so NaN in C cannot leak) when β = 0, else β·C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Start(T* c, T beta, Vector512<T> vb) => beta == T.Zero ? Vector512<T>.Zero : vb * Vector512.Load(c);
}
