using System.Diagnostics;
using System.Runtime.Intrinsics;

/// <summary>FMA peak of one core: 12 independent 256-bit FMA chains, no memory traffic.</summary>
static class Peak
{
    const int Steps = 20_000_000;
    const double FlopsPerRun = Steps * 12.0 * 8 * 2;

    /// <summary>Best of 5 runs: GFLOP/s by wall clock and by this thread's CPU time.</summary>
    public static (double Wall, double Cpu) SingleCoreGflops()
    {
        double wall = 0, cpu = 0;
        for (int trial = 0; trial < 5; trial++)
        {
            double cpu0 = CpuClock.Thread();
            var sw = Stopwatch.StartNew();
            float sink = Chains(Steps);
            double s = sw.Elapsed.TotalSeconds;
            double c = CpuClock.Thread() - cpu0;
            wall = Math.Max(wall, FlopsPerRun / s / 1e9);
            cpu = Math.Max(cpu, FlopsPerRun / c / 1e9);
            if (sink == 42) Console.Write("");
        }
        return (wall, cpu);
    }

    private static float Chains(int steps)
    {
        Vector256<float> x = Vector256.Create(1.0000001f), y = Vector256.Create(0.9999999f);
        Vector256<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (int i = 0; i < steps; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, y, x); a1 = Vector256.FusedMultiplyAdd(a1, y, x);
            a2 = Vector256.FusedMultiplyAdd(a2, y, x); a3 = Vector256.FusedMultiplyAdd(a3, y, x);
            a4 = Vector256.FusedMultiplyAdd(a4, y, x); a5 = Vector256.FusedMultiplyAdd(a5, y, x);
            a6 = Vector256.FusedMultiplyAdd(a6, y, x); a7 = Vector256.FusedMultiplyAdd(a7, y, x);
            a8 = Vector256.FusedMultiplyAdd(a8, y, x); a9 = Vector256.FusedMultiplyAdd(a9, y, x);
            a10 = Vector256.FusedMultiplyAdd(a10, y, x); a11 = Vector256.FusedMultiplyAdd(a11, y, x);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).GetElement(0);
    }
}
