using System.Diagnostics;

namespace Backprop.Kernels;

/// <summary>
/// One long-lived background thread that takes the other half of a two-way split (of a product, or of an elementwise
/// job through <see cref="Halves"/>). The
/// caller publishes the job, runs its own half, then waits for this thread's: no allocation and no
/// thread-pool scheduling per call, which matters for the mid-sized products of a training step.
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
    private static Exception? s_error;
    private static Thread? s_thread;

    /// <summary>
    /// Takes the thread for the calling thread, or returns false at once when another caller has it.
    /// Write the job's inputs only after this succeeds, and call <see cref="Release"/> in a finally.
    /// </summary>
    public static bool TryAcquire() => !Monitor.IsEntered(s_gate) && Monitor.TryEnter(s_gate); // not re-entrant: the thread is busy

    /// <summary>Gives the thread back (after <see cref="TryAcquire"/> returned true).</summary>
    public static void Release() => Monitor.Exit(s_gate);

    /// <summary>
    /// Runs <paramref name="theirs"/> on the second thread while <paramref name="mine"/> runs on the
    /// calling thread, which must hold the thread (<see cref="TryAcquire"/>), and returns once both are
    /// done, rethrowing the second thread's exception, if any. Both delegates should be cached, not
    /// built per call.
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
        s_start.Post(); // publishes s_job (and whatever the job reads) to the second thread
        try
        {
            mine();
        }
        finally
        {
            s_done.WaitPast(done, s_spinTicks); // never return while the second thread still works on the caller's memory
            s_job = null;
        }
        if (s_error is Exception error)
            throw new AggregateException("The second thread's half of the job failed.", error);
    }

    private static void Loop()
    {
        int seen = 0;
        while (true)
        {
            seen = s_start.WaitPast(seen, s_spinTicks); // spins first, so back-to-back jobs start at once
            try
            {
                s_job!();
            }
            catch (Exception e)
            {
                s_error = e;
            }
            s_done.Post();
        }
    }
}
