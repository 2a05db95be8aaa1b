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
    /// <summary>Work below which a split costs more than it saves: elements touched, times the op's cost per element for
    /// costly maps (<see cref="IUnaryOperator.Cost"/>).</summary>
    public const int MinElements = 1 << 17;

    /// <summary>Bytes of each span an element job is given at a time when its arrays fit in the cache together.</summary>
    public const int ChunkBytes = 128 * 1024;

    /// <summary>
    /// Elements of <typeparamref name="T"/> per call of an element job over <paramref name="count"/> elements of
    /// <paramref name="arrays"/> arrays (inputs, outputs and scratch). TensorPrimitives writes spans over 256 KB with
    /// non-temporal stores, which bypass the cache. When the arrays fit in the last-level cache together, the job gets
    /// spans of <see cref="ChunkBytes"/>, so its result stays in the cache for the next op, and the two halves run at
    /// cache speed: a 16 MB relu on a 32 MB L3 took 560 µs on one core and 560 µs split with non-temporal stores, 330 µs
    /// split this way. Larger jobs keep the non-temporal stores, which save the read a cached write costs: a 16 MB add
    /// (48 MB touched) took 800 µs that way and 1,200 µs through the cache. Elementwise results do not depend on
    /// where a span is cut.
    /// </summary>
    public static int ElementChunk<T>(int count, int arrays) where T : unmanaged
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        return (long)count * size * arrays <= CacheSize.LastLevel ? ChunkBytes / size : int.MaxValue;
    }

    /// <summary>How many jobs have run split in two (tests check that a path really splits).</summary>
    internal static long Splits => Interlocked.Read(ref s_splits);

    /// <summary>Runs <paramref name="job"/> over [0, <paramref name="count"/>), split in two when
    /// <paramref name="work"/> (its size in elements touched) reaches <see cref="MinElements"/>, each part given to
    /// the job at most <paramref name="chunk"/> indices at a time (<see cref="ElementChunk{T}"/> for element jobs). The
    /// split point is a multiple of <paramref name="grain"/> (16 keeps float halves on separate cache lines).</summary>
    public static void Run<TJob>(in TJob job, int count, long work, int chunk, int grain = 16) where TJob : struct, IRangeJob
    {
        int mid = count / 2 / grain * grain;
        if (work >= MinElements && mid > 0 && Environment.ProcessorCount >= 2 &&
            SecondThread.TryRunHalves(new Part<TJob>(job, 0, mid, chunk), new Part<TJob>(job, mid, count, chunk)))
        {
            Interlocked.Increment(ref s_splits);
            return;
        }
        InChunks(job, 0, count, chunk);
    }

    private static long s_splits;

    /// <summary>The indices [from, to) of a job, given to it at most <c>chunk</c> at a time.</summary>
    private readonly struct Part<TJob>(TJob job, int from, int to, int chunk) : IHalf where TJob : struct, IRangeJob
    {
        public void Run() => InChunks(job, from, to, chunk);
    }

    private static void InChunks<TJob>(in TJob job, int from, int to, int chunk) where TJob : struct, IRangeJob
    {
        for (int start = from; start < to;)
        {
            int end = to - start > chunk ? start + chunk : to;
            job.Run(start, end);
            start = end;
        }
    }
}
