namespace Backprop;

/// <summary>
/// A per-thread pool of exact-size arrays for the transient gradients of a backward pass: ∂L/∂node of a
/// non-leaf node lives only until the node has passed it on to its inputs, so its buffer can serve the next
/// training step instead of a new allocation. Retained gradients (<see cref="Tensor.RetainGrad"/>, the
/// inspection mode) are never returned. Bounded: at most 8 buffers of each size and 32 sizes per thread;
/// beyond that, buffers are left to the garbage collector.
/// </summary>
internal static class GradientBufferPool
{
    private const int MaxPerSize = 8, MaxSizes = 32;

    [ThreadStatic] private static Dictionary<(int Length, DType DType), Stack<Array>>? t_free;

    /// <summary>A zero-filled tensor of <paramref name="shape"/>, reusing a returned buffer when one fits exactly.</summary>
    public static Tensor Zeros(int[] shape, DType dtype)
    {
        int length = Shapes.ElementCount(shape);
        if (t_free is not null && t_free.TryGetValue((length, dtype), out Stack<Array>? stack) && stack.Count > 0)
        {
            Array storage = stack.Pop();
            Array.Clear(storage);
            return new Tensor((int[])shape.Clone(), storage);
        }
        return new Tensor((int[])shape.Clone(), dtype);
    }

    /// <summary>Hands a transient gradient's buffer back; the tensor must not be used afterwards.</summary>
    public static void Return(Tensor gradient)
    {
        t_free ??= [];
        var key = (gradient.ElementCount, gradient.DType);
        if (!t_free.TryGetValue(key, out Stack<Array>? stack))
        {
            if (t_free.Count >= MaxSizes) return;
            t_free[key] = stack = new Stack<Array>();
        }
        if (stack.Count < MaxPerSize) stack.Push(gradient._storage);
    }
}
