namespace Backprop.Kernels;

/// <summary>A piece of work over an index range [from, to) whose parts are independent (an elementwise map,
/// a set of rows). Implementations are structs holding pointers to memory the caller keeps pinned.</summary>
internal interface IRangeJob
{
    void Run(int from, int to);
}

/// <summary>
/// Runs a large <see cref="IRangeJob"/> as two halves, the second on <see cref="SecondThread"/>: memory-bound
/// elementwise ops over megabytes then use both cores' bandwidth, as PyTorch's do. Small jobs, single-core
/// machines and callers that find the second thread busy run the whole range on the calling thread. No
/// allocation per call.
/// </summary>
internal static class Halves
{
    /// <summary>Elements below which a split costs more (waking the second thread, a few µs) than it saves.</summary>
    public const int MinElements = 1 << 17;

    /// <summary>How many jobs have run split in two (tests check that a path really splits).</summary>
    internal static long Splits { get; private set; }

    /// <summary>Runs <paramref name="job"/> over [0, <paramref name="count"/>), split in two when
    /// <paramref name="work"/> (its size in elements touched) reaches <see cref="MinElements"/>. The split point
    /// is a multiple of <paramref name="grain"/> (16 keeps float halves on separate cache lines).</summary>
    public static void Run<TJob>(in TJob job, int count, long work, int grain = 16) where TJob : struct, IRangeJob
    {
        int mid = count / 2 / grain * grain;
        if (work < MinElements || mid == 0 || Environment.ProcessorCount < 2 || !SecondThread.TryAcquire())
        {
            job.Run(0, count);
            return;
        }
        try
        {
            Slot<TJob>.Job = job;
            Slot<TJob>.Mid = mid;
            Slot<TJob>.Count = count;
            Splits++; // only the holder of the second thread writes it
            SecondThread.Run(Slot<TJob>.Second, Slot<TJob>.First);
        }
        finally
        {
            Slot<TJob>.Job = default;
            SecondThread.Release();
        }
    }

    /// <summary>The job being split, in static fields so the two delegates are built once per job type.
    /// Written only by the caller holding <see cref="SecondThread"/>.</summary>
    private static class Slot<TJob> where TJob : struct, IRangeJob
    {
        public static TJob Job;
        public static int Mid, Count;
        public static readonly Action First = () => Job.Run(0, Mid);
        public static readonly Action Second = () => Job.Run(Mid, Count);
    }
}
