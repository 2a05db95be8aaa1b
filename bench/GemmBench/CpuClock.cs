using System.Runtime.InteropServices;

/// <summary>
/// CPU time of this thread or process (Linux clock_gettime). On a machine shared with other jobs,
/// flops per CPU-second estimate what a call would do on an idle core, where wall time cannot.
/// </summary>
static partial class CpuClock
{
    const int ProcessClock = 2, ThreadClock = 3; // CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec { public long Seconds, Nanoseconds; }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    static double Read(int clock) =>
        ClockGetTime(clock, out var t) == 0 ? t.Seconds + t.Nanoseconds * 1e-9 : double.NaN;

    /// <summary>Seconds of CPU time used by the calling thread.</summary>
    public static double Thread() => Read(ThreadClock);

    /// <summary>Seconds of CPU time used by all threads of this process.</summary>
    public static double Process() => Read(ProcessClock);
}
