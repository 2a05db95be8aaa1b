namespace Backprop.Core.Tests;

/// <summary>Counts what a call allocates on the calling thread once it is warm.</summary>
public static class AllocationCounter
{
    /// <summary>
    /// Bytes allocated on this thread by the least-allocating of several batches of 10 calls, after a
    /// warm-up call. The least, not the first: while a fresh test process is still tiering up, the runtime
    /// itself can allocate on the calling thread (call counting, JIT bookkeeping) inside one batch; an
    /// allocation the code under test makes shows in every batch.
    /// </summary>
    public static long LeastPerBatch(Action call, int batches = 5)
    {
        call();
        long least = long.MaxValue;
        for (int batch = 0; batch < batches; batch++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) call();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
