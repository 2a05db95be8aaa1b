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

    public static void Run(int kc, T* a, T* b, T* c, nint ldc, T alpha, T beta)
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
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
        Vector256<T> va = Vector256.Create(alpha);
        if (beta == T.Zero)
        {
            StoreRow(c, w, va, c00, c01); StoreRow(c + ldc, w, va, c10, c11);
            StoreRow(c + 2 * ldc, w, va, c20, c21); StoreRow(c + 3 * ldc, w, va, c30, c31);
            StoreRow(c + 4 * ldc, w, va, c40, c41); StoreRow(c + 5 * ldc, w, va, c50, c51);
        }
        else
        {
            Vector256<T> vb = Vector256.Create(beta);
            UpdateRow(c, w, va, vb, c00, c01); UpdateRow(c + ldc, w, va, vb, c10, c11);
            UpdateRow(c + 2 * ldc, w, va, vb, c20, c21); UpdateRow(c + 3 * ldc, w, va, vb, c30, c31);
            UpdateRow(c + 4 * ldc, w, va, vb, c40, c41); UpdateRow(c + 5 * ldc, w, va, vb, c50, c51);
        }
    }

    /// <summary>C row ← α·acc (β = 0: C is not read, so NaN in C cannot leak).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, int w, Vector256<T> alpha, Vector256<T> acc0, Vector256<T> acc1)
    {
        Vector256.Store(alpha * acc0, c);
        Vector256.Store(alpha * acc1, c + w);
    }

    /// <summary>C row ← α·acc + β·C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateRow(T* c, int w, Vector256<T> alpha, Vector256<T> beta, Vector256<T> acc0, Vector256<T> acc1)
    {
        Vector256.Store(VectorFma.MulAdd(acc0, alpha, beta * Vector256.Load(c)), c);
        Vector256.Store(VectorFma.MulAdd(acc1, alpha, beta * Vector256.Load(c + w)), c + w);
    }
}
