using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>Span operations that run as two halves (<see cref="Halves"/>) when large: the ones a training
/// step applies to every parameter (zeroing gradients, the plain SGD update).</summary>
internal static unsafe class InHalves
{
    /// <summary>s ← 0.</summary>
    public static void Clear<T>(Span<T> s) where T : unmanaged
    {
        fixed (T* p = s) Halves.Run(new ClearJob<T>(p), s.Length, s.Length, Halves.ElementChunk<T>(s.Length, 1));
    }

    /// <summary>y ← y + a·x (the plain SGD step with a = −η).</summary>
    public static void MultiplyAdd<T>(ReadOnlySpan<T> x, T a, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length != y.Length) throw new ArgumentException($"MultiplyAdd: spans of {x.Length} and {y.Length} elements; expected equal lengths.");
        fixed (T* px = x, py = y) Halves.Run(new MultiplyAddJob<T>(px, a, py), y.Length, y.Length, Halves.ElementChunk<T>(y.Length, 2));
    }

    private readonly struct ClearJob<T>(T* p) : IRangeJob where T : unmanaged
    {
        public void Run(int from, int to) => new Span<T>(p + from, to - from).Clear();
    }

    private readonly struct MultiplyAddJob<T>(T* x, T a, T* y) : IRangeJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int from, int to)
        {
            var ys = new Span<T>(y + from, to - from);
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(x + from, to - from), a, ys, ys);
        }
    }
}
