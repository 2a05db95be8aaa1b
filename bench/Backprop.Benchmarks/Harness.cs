using System.Diagnostics;

namespace Backprop.Benchmarks;

/// <summary>How long to warm up and how many samples to take.</summary>
/// <param name="Samples">Timed samples; the figure is their median.</param>
/// <param name="SampleSeconds">Each sample repeats Step() for about this long (at least once).</param>
/// <param name="WarmupSeconds">Warm-up lasts at least this long…</param>
/// <param name="WarmupCalls">…and at least this many calls (so tiered JIT has promoted the hot methods).</param>
/// <param name="SettleMilliseconds">A pause after warm-up for the background JIT to finish its tier-1 work (ours only).</param>
public sealed record Sampling(int Samples, double SampleSeconds, double WarmupSeconds, int WarmupCalls = 60, int SettleMilliseconds = 200)
{
    /// <summary>"samples,seconds,warmup,calls" for torch_twin.py --sampling.</summary>
    public string ForTwin() => FormattableString.Invariant($"{Samples},{SampleSeconds},{WarmupSeconds},{WarmupCalls}");
}

/// <summary>One measurement: median seconds per step and managed bytes allocated per step (all threads) while sampling.</summary>
public readonly record struct Measurement(double Seconds, double BytesPerStep);

/// <summary>Median-of-samples Stopwatch timing, and allocated bytes per step.</summary>
public static class Harness
{
    /// <summary>Median seconds per Step(): warm up (at least <paramref name="warmupSeconds"/> and
    /// <paramref name="warmupCalls"/> calls, so tiered JIT has promoted the hot methods), then time
    /// <paramref name="samples"/> batches of ~<paramref name="sampleSeconds"/> each.</summary>
    public static double MedianSeconds(Workload w, int samples, double sampleSeconds, double warmupSeconds, int warmupCalls = 60)
        => Measure(w, new Sampling(samples, sampleSeconds, warmupSeconds, warmupCalls)).Seconds;

    /// <summary>Median seconds per Step() (as <see cref="MedianSeconds"/>), and the managed bytes allocated
    /// per Step() by all threads over the timed samples (after warm-up).</summary>
    public static Measurement Measure(Workload w, Sampling s)
    {
        var clock = Stopwatch.StartNew();
        int calls = 0;
        do { w.Step(); calls++; } while (clock.Elapsed.TotalSeconds < s.WarmupSeconds || calls < s.WarmupCalls);
        Thread.Sleep(s.SettleMilliseconds); // let the background JIT finish its tier-1 work
        clock.Restart();
        for (int i = 0; i < 3; i++) w.Step();
        calls = 3;
        double once = clock.Elapsed.TotalSeconds / calls;
        int reps = Math.Max(1, (int)(s.SampleSeconds / Math.Max(once, 1e-9)));
        var times = new double[s.Samples];
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < s.Samples; i++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int r = 0; r < reps; r++) w.Step();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds / reps;
        }
        double bytes = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / ((double)s.Samples * reps);
        Array.Sort(times);
        return new Measurement(times[s.Samples / 2], bytes);
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
