using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Kernels;

/// <summary>
/// Per-thread packing buffers, 64-byte aligned and pinned, grown on demand and then reused, so a
/// GEMM in steady state allocates nothing.
/// </summary>
internal static unsafe class GemmBuffers<T> where T : unmanaged
{
    private const int Alignment = 64;

    [ThreadStatic] private static T[]? s_packedA;
    [ThreadStatic] private static T[]? s_packedB;

    /// <summary>A buffer of at least <paramref name="length"/> elements for packed A.</summary>
    public static T* PackedA(int length) => Aligned(ref s_packedA, length);

    /// <summary>A buffer of at least <paramref name="length"/> elements for packed B.</summary>
    public static T* PackedB(int length) => Aligned(ref s_packedB, length);

    /// <summary>The length of this thread's packed-B buffer (0 before its first use).</summary>
    public static int PackedBCapacity => s_packedB?.Length ?? 0;

    private static T* Aligned(ref T[]? buffer, int length)
    {
        int slack = Alignment / sizeof(T);
        if (buffer is null || buffer.Length < length + slack)
            buffer = GC.AllocateUninitializedArray<T>(length + slack, pinned: true);
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (T*)((start + Alignment - 1) & ~(nint)(Alignment - 1));
    }
}
