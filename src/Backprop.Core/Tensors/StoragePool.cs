namespace Backprop;

/// <summary>
/// A per-thread pool of exact-size storage arrays, keyed by length and dtype. Two kinds of arrays come back to it:
/// the transient gradients of a backward pass (∂L/∂node of a non-leaf node lives only until the node has passed it
/// on to its inputs; retained gradients, <see cref="Tensor.RetainGrad"/> and the inspection mode, never return), and
/// the storage of tensors released by <see cref="Tensor.Dispose"/> or at the end of their <see cref="TensorScope"/>.
/// Inside a scope, op results and gradients take their storage from here, so a training step over a fixed graph
/// shape reuses the previous step's arrays instead of allocating.
/// </summary>
/// <remarks>
/// Bounded, and it follows the current workload: at most <see cref="MaxPerSize"/> buffers of a size, at most
/// <see cref="MaxSizes"/> sizes and <see cref="MaxBytes"/> bytes per thread. When a new size needs room, the
/// sizes used least recently are dropped (left to the garbage collector), so a thread that trained other
/// models before (a notebook session, a test process) still reuses the buffers of the one it trains now.
/// </remarks>
internal static class StoragePool
{
    internal const int MaxPerSize = 64, MaxSizes = 32; // 64: a scope may release many results of one shape (an unrolled loop)
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
    public static Tensor Zeros(int[] shape, DType dtype) =>
        new((int[])shape.Clone(), Rent(Shapes.ElementCount(shape), dtype, clear: true));

    /// <summary>An array of <paramref name="length"/> elements of <paramref name="dtype"/>: a returned one when one
    /// fits exactly, else a new one; zero-filled when <paramref name="clear"/>, else with arbitrary contents.</summary>
    public static Array Rent(int length, DType dtype, bool clear)
    {
        if (t_shelves is not null && t_shelves.TryGetValue((length, dtype), out Shelf? shelf))
        {
            shelf.LastUse = ++t_clock;
            if (shelf.Buffers.Count > 0)
            {
                Array storage = shelf.Buffers.Pop();
                t_bytes -= Bytes(length, dtype);
                if (clear) Array.Clear(storage);
                return storage;
            }
        }
        if (dtype == DType.Float32) return clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
        return clear ? new double[length] : GC.AllocateUninitializedArray<double>(length);
    }

    /// <summary>Hands a transient gradient's buffer back; the tensor must not be used afterwards.</summary>
    public static void Return(Tensor gradient) => Return(gradient._storage);

    /// <summary>Hands an array back; nothing may read or write it afterwards (its next renter owns it).</summary>
    public static void Return(Array storage)
    {
        var key = (storage.Length, storage is float[] ? DType.Float32 : DType.Float64);
        long bytes = Bytes(key.Length, key.Item2);
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
        shelf.Buffers.Push(storage);
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
