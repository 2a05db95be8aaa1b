namespace Backprop.Core.Tests.Tensors;

/// <summary>Transient gradient buffers are reused across steps; retained gradients never are.</summary>
public class StoragePoolTests
{
    [Fact]
    public void A_returned_buffer_comes_back_zeroed_for_the_same_size_only()
    {
        Tensor g = StoragePool.Zeros([3, 5], DType.Float64);
        g.Fill(7);
        StoragePool.Return(g);
        Tensor again = StoragePool.Zeros([5, 3], DType.Float64);
        Assert.Same(g._storage, again._storage);
        Assert.All(again.ToArray(), v => Assert.Equal(0.0, v));
        Assert.NotSame(g._storage, StoragePool.Zeros([3, 5], DType.Float32)._storage);
    }

    [Fact]
    public void Steady_state_training_reuses_intermediate_gradient_buffers()
    {
        var w = Tensor.Randn([64, 32], 1);
        w.RequiresGrad = true;
        var x = Tensor.Randn([16, 64], 2);
        void Step() { w.ZeroGrad(); x.MatMul(w).Tanh().Sum().Backward(); }
        Step();
        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The forward pass allocates its two [16, 32] results (2 KiB each); without reuse the backward pass
        // would allocate two more gradients of that size.
        Assert.True(allocated < 4 * 16 * 32 * sizeof(float) + 4096, $"{allocated} bytes in one step");
    }

    [Fact]
    public void Retained_gradients_are_not_recycled_by_the_next_backward_pass()
    {
        var a = Tensor.FromArray(new double[] { 1, 2, 3 }, 3);
        a.RequiresGrad = true;
        Tensor h = (a * 2).RetainGrad();
        (h * h).Sum().Backward();
        double[] kept = h.Grad!.ToArray();
        var b = Tensor.FromArray(new double[] { 5, 6, 7 }, 3);
        b.RequiresGrad = true;
        (b * b * 3).Sum().Backward(retainAllGrads: false); // a second pass that returns its buffers
        Assert.Equal(kept, h.Grad!.ToArray());
        Assert.Equal(new[] { 4.0, 8.0, 12.0 }, kept);
    }
    [Fact]
    public void A_thread_that_used_many_other_sizes_before_still_reuses_buffers_for_the_current_model()
    {
        // Stale sizes from earlier work (other models in the same notebook session or test process) fill every
        // slot; the least recently used ones must make room instead of the new size being refused for good.
        var stale = new List<Tensor>();
        for (int i = 0; i < 2 * StoragePool.MaxSizes; i++) stale.Add(StoragePool.Zeros([1000 + i], DType.Float32));
        foreach (Tensor t in stale) StoragePool.Return(t);

        Tensor g = StoragePool.Zeros([37, 41], DType.Float32);
        StoragePool.Return(g);
        Assert.Same(g._storage, StoragePool.Zeros([37, 41], DType.Float32)._storage);
        Steady_state_training_reuses_intermediate_gradient_buffers();
    }

    [Fact]
    public void The_pool_keeps_at_most_its_byte_budget_and_drops_the_least_recently_used_size_first()
    {
        int big = (int)(StoragePool.MaxBytes / sizeof(double) / 3); // three of these fill the budget
        var old = StoragePool.Zeros([big], DType.Float64);
        var newer = new[] { StoragePool.Zeros([big + 1], DType.Float64), StoragePool.Zeros([big + 1], DType.Float64) };
        StoragePool.Return(old);
        foreach (Tensor t in newer) StoragePool.Return(t);
        Assert.True(StoragePool.RetainedBytes <= StoragePool.MaxBytes, $"{StoragePool.RetainedBytes} bytes retained");

        Tensor latest = StoragePool.Zeros([big + 2], DType.Float64);
        StoragePool.Return(latest); // no room: the least recently used size (the oldest) goes
        Assert.True(StoragePool.RetainedBytes <= StoragePool.MaxBytes, $"{StoragePool.RetainedBytes} bytes retained");
        Assert.NotSame(old._storage, StoragePool.Zeros([big], DType.Float64)._storage);
        Assert.Same(latest._storage, StoragePool.Zeros([big + 2], DType.Float64)._storage);
        Assert.Contains(StoragePool.Zeros([big + 1], DType.Float64)._storage, newer.Select(t => t._storage));
    }
}
