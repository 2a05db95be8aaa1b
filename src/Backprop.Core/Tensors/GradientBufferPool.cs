namespace Backprop;

/// <summary>
/// A per-thread pool of exact-size arrays for the transient gradients of a backward pass: ∂L/∂node of a
/// non-leaf node lives only until the node has passed it on to its inputs, so its buffer can serve the next
/// training step instead of a new allocation. Retained gradients (<see cref="Tensor.RetainGrad"/>, the
/// inspection mode) are never returned.
/// </summary>
/// <remarks>
/// Bounded, and it follows the current workload: at most <see cref="MaxPerSize"/> buffers of a size, at most
/// <see cref="MaxSizes"/> sizes and <see cref="MaxBytes"/> bytes per thread. When a new size needs room, the
/// sizes used least recently are dropped (left to the garbage collector), so a thread that trained other
/// models before (a notebook session, a test process) still reuses the buffers of the one it trains now.
/// </remarks>
internal static class GradientBufferPool
{
    internal const int MaxPerSize = 8, MaxSizes = 32;
    internal const long MaxBytes = 256L << 20;

    private sealed class Shelf
    {
        public readonly Stack<Array> Buffers = new();
        public long LastUse;
    }

    [ThreadStatic] private static Dictionary<(int Length, DType DType), Shelf>? t_shelves;
    [ThreadStatic] private static long t_clock, t_bytes;

    /// <summary>Bytes held by the calling thread's pool (tests use it).</summary>
    internal static long RetainedBytes => t_bytes;

    /// <summary>A zero-filled tensor of <paramref name="shape"/>, reusing a returned buffer when one fits exactly.</summary>
    public static Tensor Zeros(int[] shape, DType dtype)
    {
        int length = Shapes.ElementCount(shape);
        if (t_shelves is not null && t_shelves.TryGetValue((length, dtype), out Shelf? shelf))
        {
            shelf.LastUse = ++t_clock;
            if (shelf.Buffers.Count > 0)
            {
                Array storage = shelf.Buffers.Pop();
                t_bytes -= Bytes(length, dtype);
                Array.Clear(storage);
                return new Tensor((int[])shape.Clone(), storage);
            }
        }
        return new Tensor((int[])shape.Clone(), dtype);
    }

    /// <summary>Hands a transient gradient's buffer back; the tensor must not be used afterwards.</summary>
    public static void Return(Tensor gradient)
    {
        var key = (gradient.ElementCount, gradient.DType);
        long bytes = Bytes(key.ElementCount, key.DType);
        if (bytes > MaxBytes) return;
        t_shelves ??= [];
        if (!t_shelves.TryGetValue(key, out Shelf? shelf))
        {
            if (t_shelves.Count >= MaxSizes) DropLeastRecentlyUsed();
            t_shelves[key] = shelf = new Shelf();
        }
        shelf.LastUse = ++t_clock;
        if (shelf.Buffers.Count >= MaxPerSize) return;
        while (t_bytes + bytes > MaxBytes && DropLeastRecentlyUsed(except: shelf)) { }
        if (t_bytes + bytes > MaxBytes) return;
        shelf.Buffers.Push(gradient._storage);
        t_bytes += bytes;
    }

    /// <summary>Removes the least recently used size other than <paramref name="except"/>; false when there is none.</summary>
    private static bool DropLeastRecentlyUsed(Shelf? except = null)
    {
        (int, DType) victim = default;
        Shelf? oldest = null;
        foreach (var (key, shelf) in t_shelves!)
        {
            if (shelf == except || (oldest is not null && shelf.LastUse >= oldest.LastUse)) continue;
            oldest = shelf;
            victim = key;
        }
        if (oldest is null) return false;
        t_bytes -= oldest.Buffers.Count * Bytes(victim.Item1, victim.Item2);
        t_shelves!.Remove(victim);
        return true;
    }

    private static long Bytes(int length, DType dtype) => (long)length * (dtype == DType.Float32 ? sizeof(float) : sizeof(double));
}
