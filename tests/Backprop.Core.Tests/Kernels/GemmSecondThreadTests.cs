using Backprop.Kernels;

namespace Backprop.Core.Tests.Kernels;

[CollectionDefinition(nameof(RunsAloneCollection), DisableParallelization = true)]
public sealed class RunsAloneCollection;

/// <summary>The two-core split's own thread. Alone: a product running in a parallel test would hold that
/// thread and send this one to the thread pool.</summary>
[Collection(nameof(RunsAloneCollection))]
public sealed class GemmSecondThreadTests
{
    [SkippableFact]
    public void Multiply_SplitAcrossTwoCores_SteadyState_AllocatesNothing()
    {
        // On two cores a product above the parallel threshold runs half on the calling thread and half on
        // the long-lived second thread, with nothing allocated per call (the thread pool would allocate).
        Skip.If(Environment.ProcessorCount != 2, $"the two-slab split applies to 2 cores; this machine has {Environment.ProcessorCount}");
        const int m = 128, n = 160, k = 96; // m·n·k = 1,966,080 ≥ the 2²⁰ parallel threshold
        float[] a = new float[m * k], b = new float[n * k], c = new float[m * n];
        Array.Fill(a, 0.5f);
        Array.Fill(b, 2f);
        long allocated = AllocationCounter.LeastPerBatch(() => Gemm.Multiply(false, true, m, n, k, 1f, a, k, b, k, 0f, c, n));
        Assert.Equal(0, allocated);
        Assert.All(c, x => Assert.Equal(k, x));
    }
}
