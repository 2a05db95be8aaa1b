using System.Diagnostics;

namespace Backprop.Kernels;

/// <summary>
/// A one-way signal between two threads that counts posts: the waiter spins for a while, then blocks. Spinning keeps
/// back-to-back hand-offs (the ops of a training step follow each other within microseconds) clear of the kernel's
/// wake-up, which costs tens of microseconds on a virtual machine whose idle core has halted; blocking keeps an idle
/// library from holding a core. One poster and one waiter at a time.
/// </summary>
internal sealed class Handoff
{
    private readonly ManualResetEventSlim _wake = new(false);
    private int _posts, _sleeping;

    /// <summary>Posts one more signal, waking the waiter if it blocked; returns the count of posts so far.</summary>
    public int Post()
    {
        int posts = Interlocked.Increment(ref _posts);      // a full fence: the waiter's flag is read after it
        if (Volatile.Read(ref _sleeping) != 0) _wake.Set();
        return posts;
    }

    /// <summary>The count of posts so far.</summary>
    public int Posts => Volatile.Read(ref _posts);

    /// <summary>Returns once the count of posts differs from <paramref name="seen"/>: spins for up to
    /// <paramref name="spinTicks"/> (<see cref="Stopwatch"/> ticks), yielding now and then, and blocks after.</summary>
    public int WaitPast(int seen, long spinTicks)
    {
        long deadline = Stopwatch.GetTimestamp() + spinTicks;
        var spinner = new SpinWait();
        while (true)
        {
            int posts = Volatile.Read(ref _posts);
            if (posts != seen) return posts;
            if (Stopwatch.GetTimestamp() < deadline)
            {
                spinner.SpinOnce(sleep1Threshold: -1);       // pauses, and yields to other threads now and then
                continue;
            }
            Interlocked.Exchange(ref _sleeping, 1);          // a full fence: the count is read after the flag is set
            if (Volatile.Read(ref _posts) == seen) _wake.Wait();
            _wake.Reset();                                   // a Set that lands after this only costs one more spin
            Volatile.Write(ref _sleeping, 0);
            deadline = Stopwatch.GetTimestamp() + spinTicks;
        }
    }
}
