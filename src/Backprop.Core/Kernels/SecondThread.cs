using System.Diagnostics;

namespace Backprop.Kernels;

/// <summary>
/// One long-lived background thread that takes the other half of a two-way split (of a product, or of an elementwise
/// job through <see cref="Halves"/>). The caller publishes the job, runs its own half, then either waits for this
/// thread's or, when this thread has not taken it yet (it was asleep, or the machine did not schedule it), runs that
/// half too, so a second thread that is late to start costs at most the hand-off (one that has started and runs slowly
/// is waited for). No allocation
/// and no thread-pool scheduling per call, which matters for the mid-sized products of a training step.
/// One caller at a time: a caller that cannot acquire it (another caller has it) splits its work
/// some other way.
/// </summary>
internal static class SecondThread
{
    /// <summary>How long either side spins for the other before blocking: about 200 µs, longer than the gaps between
    /// the ops of a training step, far shorter than anything a person would notice as a busy core.</summary>
    private static readonly long s_spinTicks = Stopwatch.Frequency / 5_000;

    private static readonly object s_gate = new();
    private static readonly Handoff s_start = new(), s_done = new();
    private static Action? s_job;
    private static int s_open;          // 1 while the posted job is not yet taken; taking it is a compare-exchange to 0
    private static Exception? s_error;
    private static Thread? s_thread;

    /// <summary>How many posted halves the caller ran itself because this thread had not taken them (tests read it).</summary>
    internal static long Stolen { get; private set; }

    /// <summary>
    /// Takes the thread for the calling thread, or returns false at once when another caller has it.
    /// Write the job's inputs only after this succeeds, and call <see cref="Release"/> in a finally.
    /// </summary>
    public static bool TryAcquire() => !Monitor.IsEntered(s_gate) && Monitor.TryEnter(s_gate); // not re-entrant: the thread is busy

    /// <summary>Gives the thread back (after <see cref="TryAcquire"/> returned true).</summary>
    public static void Release() => Monitor.Exit(s_gate);

    /// <summary>
    /// Runs <paramref name="theirs"/> on the second thread (or, if it has not started it by the time
    /// <paramref name="mine"/> is done, on the calling thread after <paramref name="mine"/>) while
    /// <paramref name="mine"/> runs on the calling thread, which must hold the thread (<see cref="TryAcquire"/>), and
    /// returns once both are done, rethrowing an exception of <paramref name="theirs"/> wrapped in an
    /// <see cref="AggregateException"/> wherever it ran. Both delegates should be cached, not built per call.
    /// </summary>
    public static void Run(Action theirs, Action mine)
    {
        if (!Monitor.IsEntered(s_gate))
            throw new InvalidOperationException("SecondThread.Run without TryAcquire.");
        if (s_thread is null)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = "Backprop second thread" };
            thread.Start();
            s_thread = thread;   // only once it runs: a failed start is retried by the next call
        }
        s_error = null;
        s_job = theirs;
        int done = s_done.Posts;
        Volatile.Write(ref s_open, 1);
        s_start.Post(); // a full fence: publishes s_job, s_open (and whatever the job reads) to the second thread
        bool mineDone = false;
        try
        {
            mine();
            mineDone = true;
        }
        finally
        {
            if (Take())
            {
                // Not started: the second thread will never touch it now. Run it here unless mine failed.
                if (mineDone)
                {
                    Stolen++;
                    RunJob(theirs);
                }
            }
            else
            {
                s_done.WaitPast(done, s_spinTicks); // never return while the second thread still works on the caller's memory
            }
            s_job = null;
        }
        if (s_error is Exception error)
            throw new AggregateException("The second half of the job failed.", error);
    }

    /// <summary>
    /// Runs <paramref name="mine"/> on the calling thread and <paramref name="theirs"/> on the second thread (see
    /// <see cref="Run"/>) and returns true, or returns false at once, having run nothing, when another caller holds the
    /// thread. The halves are structs kept in static slots, so a split allocates nothing.
    /// </summary>
    public static bool TryRunHalves<THalf>(in THalf mine, in THalf theirs) where THalf : struct, IHalf
    {
        if (!TryAcquire()) return false;
        try
        {
            Slots<THalf>.Mine = mine;
            Slots<THalf>.Theirs = theirs;
            Run(Slots<THalf>.RunTheirs, Slots<THalf>.RunMine);
        }
        finally
        {
            Slots<THalf>.Mine = default;
            Slots<THalf>.Theirs = default;
            Release();
        }
        return true;
    }

    /// <summary>The halves of the split in progress, in static fields so that the delegates are built once per half type.
    /// Written only by the caller holding the thread; the second thread reads them after the start signal.</summary>
    private static class Slots<THalf> where THalf : struct, IHalf
    {
        public static THalf Mine, Theirs;
        public static readonly Action RunMine = () => Mine.Run();
        public static readonly Action RunTheirs = () => Theirs.Run();
    }

    /// <summary>Takes the posted job for whoever calls it first: true for exactly one of the two threads.</summary>
    private static bool Take() => Interlocked.CompareExchange(ref s_open, 0, 1) == 1;

    private static void RunJob(Action job)
    {
        try
        {
            job();
        }
        catch (Exception e)
        {
            s_error = e;
        }
    }

    private static void Loop()
    {
        int seen = 0;
        while (true)
        {
            seen = s_start.WaitPast(seen, s_spinTicks); // spins first, so back-to-back jobs start at once
            if (!Take()) continue;                      // the caller ran it (this thread woke too late)
            RunJob(s_job!);
            s_done.Post();
        }
    }
}

/// <summary>One half of a job split between the calling thread and <see cref="SecondThread"/>: a struct holding what it
/// needs (pointers into memory the caller keeps pinned until both halves are done).</summary>
internal interface IHalf
{
    /// <summary>Does this half's work.</summary>
    void Run();
}
