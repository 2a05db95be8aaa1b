using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Explicit;

/// <summary>The few matrix-vector products backprop needs, on plain row-major arrays (W is out×in).</summary>
internal static class DenseMath
{
    /// <summary>z = W·a + b.</summary>
    public static void Affine(double[,] w, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> z)
    {
        ReadOnlySpan<double> wFlat = AsSpan(w);
        int inputs = a.Length;
        for (int j = 0; j < z.Length; j++)
            z[j] = Dot(wFlat.Slice(j * inputs, inputs), a) + b[j];
    }

    /// <summary>g = Wᵀ·δ, i.e. gᵢ = Σⱼ Wⱼᵢ δⱼ.</summary>
    public static void TransposeTimes(double[,] w, ReadOnlySpan<double> delta, Span<double> g)
    {
        ReadOnlySpan<double> wFlat = AsSpan(w);
        int inputs = g.Length;
        g.Clear();
        for (int j = 0; j < delta.Length; j++)
        {
            double d = delta[j];
            ReadOnlySpan<double> row = wFlat.Slice(j * inputs, inputs);
            for (int i = 0; i < inputs; i++) g[i] += row[i] * d;
        }
    }

    /// <summary>δ·aᵀ, the out×in matrix with entries δⱼ aᵢ.</summary>
    public static double[,] Outer(ReadOnlySpan<double> delta, ReadOnlySpan<double> a)
    {
        var m = new double[delta.Length, a.Length];
        Span<double> flat = AsSpan(m);
        for (int j = 0; j < delta.Length; j++)
            for (int i = 0; i < a.Length; i++) flat[j * a.Length + i] = delta[j] * a[i];
        return m;
    }

    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }

    /// <summary>The elements of a 2-D array in row-major order, without copying.</summary>
    public static Span<double> AsSpan(double[,] m) =>
        m.Length == 0 ? [] : MemoryMarshal.CreateSpan(ref Unsafe.As<byte, double>(ref MemoryMarshal.GetArrayDataReference(m)), m.Length);

    /// <summary>Row <paramref name="row"/> of a 2-D array.</summary>
    public static Span<double> Row(double[,] m, int row) => AsSpan(m).Slice(row * m.GetLength(1), m.GetLength(1));

    public static double[,] Copy(double[,] m) => (double[,])m.Clone();
}
