using System.Diagnostics;

namespace Backprop.Benchmarks;

/// <summary>Median-of-samples Stopwatch timing, and allocated bytes per step.</summary>
public static class Harness
{
    /// <summary>Median seconds per Step(): warm up (at least <paramref name="warmupSeconds"/> and
    /// <paramref name="warmupCalls"/> calls, so tiered JIT has promoted the hot methods), then time
    /// <paramref name="samples"/> batches of ~<paramref name="sampleSeconds"/> each.</summary>
    public static double MedianSeconds(Workload w, int samples, double sampleSeconds, double warmupSeconds, int warmupCalls = 60)
    {
        var clock = Stopwatch.StartNew();
        int calls = 0;
        do { w.Step(); calls++; } while (clock.Elapsed.TotalSeconds < warmupSeconds || calls < warmupCalls);
        Thread.Sleep(200); // let the background JIT finish its tier-1 work
        clock.Restart();
        for (int i = 0; i < 3; i++) w.Step();
        calls = 3;
        double once = clock.Elapsed.TotalSeconds / calls;
        int reps = Math.Max(1, (int)(sampleSeconds / Math.Max(once, 1e-9)));
        var times = new double[samples];
        for (int s = 0; s < samples; s++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int r = 0; r < reps; r++) w.Step();
            times[s] = Stopwatch.GetElapsedTime(start).TotalSeconds / reps;
        }
        Array.Sort(times);
        return times[samples / 2];
    }

    /// <summary>Managed bytes allocated per Step() (all threads), after warm-up.</summary>
    public static double AllocatedBytesPerStep(Workload w, int steps)
    {
        for (int i = 0; i < 5; i++) w.Step();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < steps; i++) w.Step();
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)steps;
    }
}
