using Backprop.NN;
using Backprop.Optim;
using Xunit.Abstractions;

namespace Backprop.Core.Tests.Training;

/// <summary>The managed heap is process-wide: these tests run alone, after the parallel ones, so that no other
/// test allocates or frees memory between the two heap measurements.</summary>
[CollectionDefinition(nameof(HeapMeasurementCollection), DisableParallelization = true)]
public sealed class HeapMeasurementCollection;

/// <summary>
/// Issue 6's steady-state memory requirement: after warm-up, training the batch-256 784-256-128-10 MLP for 100
/// steps must not grow the managed heap. Also reports the bytes allocated per step (no timing is asserted).
/// </summary>
[Collection(nameof(HeapMeasurementCollection))]
public sealed class SteadyStateMemoryTests(ITestOutputHelper output)
{
    private const int Batch = 256, WarmupSteps = 20, SettleSteps = 5, Steps = 100, MaxWindows = 3;

    // Tolerance for the growth of the live heap over the 100 steps, measured after a full blocking collection.
    // What a leak would retain: one step's graph holds the activations, 256×(256+128+10) floats ≈ 400 KB, so a
    // retained graph would add ~40 MB; the smallest per-sample tensor of the step ([256] floats, 1 KB) retained once
    // per step would add 100 KB. 64 KB catches any per-step retention of 656 bytes or more (a handful of small
    // objects per step), while leaving room for what the runtime itself may keep between the two measurements
    // (a few KB: thread-pool and timer bookkeeping, the test output buffer); pools that grow during warm-up
    // (gradient buffers, GEMM packing buffers) are already at their steady size after the warm-up steps.
    private const long ToleranceBytes = 64 * 1024;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Training_the_batch_256_mlp_for_100_steps_does_not_grow_the_managed_heap(bool fuseActivations)
    {
        var model = MLP.Create(784, [256, 128], 10, Activation.ReLU, seed: 42, fuseActivations: fuseActivations);
        var sgd = new SGD(model.Parameters(), 0.01);
        var rng = new Rng(43);
        var inputs = new float[Batch * 784];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)rng.Uniform(0, 1);
        var x = Tensor.FromArray(inputs, Batch, 784);
        var labels = new int[Batch];
        for (int i = 0; i < Batch; i++) labels[i] = rng.NextInt(10);

        float Step()
        {
            Tensor loss = Functional.CrossEntropy(model.Forward(x), labels);
            sgd.ZeroGrad();
            loss.Backward();
            sgd.Step();
            return loss.AsReadOnlySpan<float>()[0];
        }

        float firstLoss = Step();
        for (int i = 1; i < WarmupSteps; i++) Step();
        // A full collection lets the runtime trim ArrayPool.Shared (our scratch buffers come from it) and frees
        // one-off memory (test discovery data); the next steps rent the trimmed buffers again. So: collect once, take
        // a few more steps, and only then measure the baseline (the final measurement sees the same trim-and-refill).
        long heapAfterWarmup = LiveHeapBytes();
        for (int i = 0; i < SettleSteps; i++) Step();

        // The test host shares this process and runs threads of its own, so the live heap can grow between two
        // measurements for reasons that are not the training step's: in fresh test processes the first window has
        // grown by 67–290 KB, once, with the next window flat, while a standalone program taking the same steps
        // stayed flat (to within 8 KB) measured every 5 steps from step 20 to 220. So the steps are measured in up
        // to MaxWindows consecutive windows, and one window within tolerance passes. A retention by the training
        // step itself is deterministic and would show in every window.
        var growths = new List<long>();
        long threadAllocated = 0, processAllocated = 0;
        float lastLoss = 0;
        int stepsTaken = WarmupSteps + SettleSteps;
        for (int window = 0; window < MaxWindows; window++)
        {
            long heapBefore = LiveHeapBytes();
            long threadBefore = GC.GetAllocatedBytesForCurrentThread();
            long processBefore = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < Steps; i++) lastLoss = Step();
            threadAllocated = GC.GetAllocatedBytesForCurrentThread() - threadBefore;
            processAllocated = GC.GetTotalAllocatedBytes(precise: true) - processBefore;
            long heapAfter = LiveHeapBytes();
            stepsTaken += Steps;
            growths.Add(heapAfter - heapBefore);
            output.WriteLine($"window {window + 1}: live heap after a full collection {heapBefore} bytes before {Steps} steps, " +
                             $"{heapAfter} after them ({heapAfter - heapBefore:+#;-#;0} bytes)");
            if (heapAfter - heapBefore <= ToleranceBytes) break;
        }

        output.WriteLine($"784-256-128-10 MLP, batch {Batch}, fused activations: {fuseActivations}; {WarmupSteps + SettleSteps} warm-up steps, then windows of {Steps} steps");
        output.WriteLine($"allocated per step: {threadAllocated / (double)Steps:F0} bytes on the training thread, " +
                         $"{processAllocated / (double)Steps:F0} bytes in the whole process (GEMM worker threads included)");
        output.WriteLine($"live heap after the first {WarmupSteps} steps: {heapAfterWarmup} bytes");
        output.WriteLine($"loss: {firstLoss} at step 1, {lastLoss} at step {stepsTaken}");

        Assert.True(float.IsFinite(lastLoss) && lastLoss < firstLoss,
            $"expected training to lower the loss (first {firstLoss}, last {lastLoss})");
        Assert.True(growths[^1] <= ToleranceBytes,
            $"the managed heap grew in each of {growths.Count} windows of {Steps} steps after warm-up, by " +
            $"{string.Join(", ", growths)} bytes (tolerance {ToleranceBytes})");
    }

    /// <summary>Bytes in use on the managed heap after a full, blocking, compacting collection (finalizers run,
    /// and what they freed collected too).</summary>
    private static long LiveHeapBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
