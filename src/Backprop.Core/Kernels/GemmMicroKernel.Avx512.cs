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

    public static void Run(int kc, T* a, T* b, T* c, nint ldc, T alpha, T beta)
    {
        int w = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default, c70 = default, c71 = default;
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
        Vector512<T> va = Vector512.Create(alpha);
        if (beta == T.Zero)
        {
            StoreRow(c, w, va, c00, c01); StoreRow(c + ldc, w, va, c10, c11);
            StoreRow(c + 2 * ldc, w, va, c20, c21); StoreRow(c + 3 * ldc, w, va, c30, c31);
            StoreRow(c + 4 * ldc, w, va, c40, c41); StoreRow(c + 5 * ldc, w, va, c50, c51);
            StoreRow(c + 6 * ldc, w, va, c60, c61); StoreRow(c + 7 * ldc, w, va, c70, c71);
        }
        else
        {
            Vector512<T> vb = Vector512.Create(beta);
            UpdateRow(c, w, va, vb, c00, c01); UpdateRow(c + ldc, w, va, vb, c10, c11);
            UpdateRow(c + 2 * ldc, w, va, vb, c20, c21); UpdateRow(c + 3 * ldc, w, va, vb, c30, c31);
            UpdateRow(c + 4 * ldc, w, va, vb, c40, c41); UpdateRow(c + 5 * ldc, w, va, vb, c50, c51);
            UpdateRow(c + 6 * ldc, w, va, vb, c60, c61); UpdateRow(c + 7 * ldc, w, va, vb, c70, c71);
        }
    }

    /// <summary>C row ← α·acc (β = 0: C is not read, so NaN in C cannot leak).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, int w, Vector512<T> alpha, Vector512<T> acc0, Vector512<T> acc1)
    {
        Vector512.Store(alpha * acc0, c);
        Vector512.Store(alpha * acc1, c + w);
    }

    /// <summary>C row ← α·acc + β·C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateRow(T* c, int w, Vector512<T> alpha, Vector512<T> beta, Vector512<T> acc0, Vector512<T> acc1)
    {
        Vector512.Store(VectorFma.MulAdd(acc0, alpha, beta * Vector512.Load(c)), c);
        Vector512.Store(VectorFma.MulAdd(acc1, alpha, beta * Vector512.Load(c + w)), c + w);
    }
}
