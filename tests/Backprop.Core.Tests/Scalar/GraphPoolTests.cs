using System.Runtime.CompilerServices;

namespace Backprop.Core.Tests.Scalar;

/// <summary>The traversals borrow pooled arrays; returning them must not keep a graph reachable.</summary>
public class GraphPoolTests
{
    [Fact]
    public void Pooled_traversal_buffers_keep_no_value_graph_alive()
    {
        WeakReference output = BuildAndTraverseValues();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(output.IsAlive, "a Value graph survived Backward/ZeroGrad/TopologicalOrder through a pooled buffer");
    }

    [Fact]
    public void Pooled_traversal_buffers_keep_no_tensor_graph_alive()
    {
        WeakReference output = BuildAndTraverseTensors();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(output.IsAlive, "a Tensor graph survived Backward/TopologicalOrder through a pooled buffer");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference BuildAndTraverseValues()
    {
        var x = new Value(0.5, "x");
        Value y = x;
        for (int i = 0; i < 3000; i++) y = (y * 1.0001).Tanh() + x; // grows past the pooled buffer's first size
        y.Backward();
        y.ZeroGrad();
        Assert.Equal(1 + 4 * 3000, y.TopologicalOrder().Count); // x, then per step a constant, ·, tanh and +
        return new WeakReference(y);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference BuildAndTraverseTensors()
    {
        var x = Tensor.Ones([2, 2], DType.Float64);
        x.RequiresGrad = true;
        Tensor y = x;
        for (int i = 0; i < 1500; i++) y = (y * 1.0001).Tanh() + x;
        Tensor loss = y.Mean();
        loss.Backward();
        Assert.True(loss.TopologicalOrder().Count > 3000);
        return new WeakReference(loss);
    }
}
