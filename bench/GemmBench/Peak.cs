using System.Diagnostics;
using System.Runtime.InteropServices;
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

/// <summary>
/// In-L1 throughput of register-tile shapes (replicas of the micro-kernel loop: packed panels that
/// fit in L1, no C traffic), to separate the kernel's arithmetic efficiency from memory effects.
/// </summary>
static unsafe class TileLoop
{
    const int Kc = 256, Repeats = 20_000;

    /// <summary>GFLOP per thread CPU-second for the 6×16 (broadcast A) and 4×24 (broadcast A) tiles.</summary>
    public static (double Tile6x16, double Tile4x24) Gflops()
    {
        float* a = (float*)NativeMemory.AlignedAlloc(6 * Kc * 4, 64), b = (float*)NativeMemory.AlignedAlloc(24 * Kc * 4, 64);
        float* c = (float*)NativeMemory.AlignedAlloc(6 * 24 * 4, 64);
        for (int i = 0; i < 6 * Kc; i++) a[i] = 1e-3f;
        for (int i = 0; i < 24 * Kc; i++) b[i] = 1e-3f;
        double best6 = 0, best4 = 0;
        for (int trial = 0; trial < 5; trial++)
        {
            double t0 = CpuClock.Thread();
            for (int r = 0; r < Repeats; r++) Tile6x16(a, b, c);
            double t1 = CpuClock.Thread();
            for (int r = 0; r < Repeats; r++) Tile4x24(a, b, c);
            double t2 = CpuClock.Thread();
            best6 = Math.Max(best6, 2.0 * 6 * 16 * Kc * Repeats / (t1 - t0) / 1e9);
            best4 = Math.Max(best4, 2.0 * 4 * 24 * Kc * Repeats / (t2 - t1) / 1e9);
        }
        NativeMemory.AlignedFree(a); NativeMemory.AlignedFree(b); NativeMemory.AlignedFree(c);
        return (best6, best4);
    }

    static void Tile6x16(float* a, float* b, float* c)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < Kc; p++, a += 6, b += 16)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> x = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
        }
        Vector256.Store(c00 + c01 + c10 + c11 + c20 + c21 + c30 + c31 + c40 + c41 + c50 + c51, c);
    }

    static void Tile4x24(float* a, float* b, float* c)
    {
        Vector256<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector256<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        for (int p = 0; p < Kc; p++, a += 4, b += 24)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8), b2 = Vector256.Load(b + 16);
            Vector256<float> x = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01); c02 = Vector256.FusedMultiplyAdd(x, b2, c02);
            x = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11); c12 = Vector256.FusedMultiplyAdd(x, b2, c12);
            x = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21); c22 = Vector256.FusedMultiplyAdd(x, b2, c22);
            x = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31); c32 = Vector256.FusedMultiplyAdd(x, b2, c32);
        }
        Vector256.Store(c00 + c01 + c02 + c10 + c11 + c12 + c20 + c21 + c22 + c30 + c31 + c32, c);
    }
}
