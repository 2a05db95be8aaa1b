namespace Backprop.Core.Tests.Tensors;

public class TensorAutogradTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Note004_MeanOfThreeTimesSquareOfAPlusTwo_Gives4Point5(DType dtype)
    {
        // a = ones(2,2); b = a + 2; c = b²; d = 3c; d.mean() ⇒ ∂/∂a = 3·2b/N = 3·2·3/4 = 4.5.
        Tensor a = Tensor.Ones([2, 2], dtype);
        a.RequiresGrad = true;
        Tensor b = a + 2;
        Tensor c = b * b;
        Tensor d = 3 * c;
        Tensor loss = d.Mean();
        loss.Backward();
        Assert.Equal(27.0, loss.Item(), 6);
        Assert.All(a.Grad!.ToArray(), g => Assert.Equal(4.5, g, 6));

        Tensor a2 = Tensor.Ones([2, 2], dtype);
        a2.RequiresGrad = true;
        (3 * (a2 + 2).Pow(2)).Mean().Backward();
        Assert.All(a2.Grad!.ToArray(), g => Assert.Equal(4.5, g, 6));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SumOverALeadingAxis_AddsRowsInOrder_OnVectorAndTailColumns(DType dtype)
    {
        // [2, 5, 70]: 70 columns cover the four-vector, one-vector and scalar paths of the column sums;
        // each result must equal the plain sequential sum over the axis, bit for bit.
        Tensor x = Tensor.Randn([2, 5, 70], 11, dtype);
        double[] xs = x.ToArray();
        double[] sums = x.Sum(1).ToArray();
        for (int o = 0; o < 2; o++)
            for (int j = 0; j < 70; j++)
            {
                double expected = 0;
                float expectedF = 0;
                for (int r = 0; r < 5; r++) { expected += xs[(o * 5 + r) * 70 + j]; expectedF += (float)xs[(o * 5 + r) * 70 + j]; }
                Assert.Equal(dtype == DType.Float32 ? expectedF : expected, sums[o * 70 + j]);
            }
    }

    [Fact]
    public void LeafGradients_AccumulateAcrossBackwardCalls_InTheSameBuffer()
    {
        Tensor x = Tensor.FromArray(new double[] { 1, 2, 3 });
        x.RequiresGrad = true;
        Tensor loss = (x * x).Sum();
        loss.Backward();
        Tensor first = x.Grad!;
        Assert.Equal(new double[] { 2, 4, 6 }, first.ToArray());
        loss.Backward();
        Assert.Same(first, x.Grad);
        Assert.Equal(new double[] { 4, 8, 12 }, x.Grad!.ToArray());
    }

    [Fact]
    public void ZeroGrad_ZerosInPlace_AndTheBufferIsReused()
    {
        Tensor x = Tensor.FromArray(new float[] { 1, 2 });
        x.RequiresGrad = true;
        (x * 3.0).Sum().Backward();
        Tensor buffer = x.Grad!;
        float[] storage = (float[])buffer._storage;
        x.ZeroGrad();
        Assert.Same(buffer, x.Grad);
        Assert.Equal(new float[] { 0, 0 }, x.Grad!.ToFloatArray());
        (x * 5.0).Sum().Backward();
        Assert.Same(storage, x.Grad!._storage);
        Assert.Equal(new float[] { 5, 5 }, x.Grad.ToFloatArray());
    }

    [Fact]
    public void Detach_SharesData_AndStopsGradients()
    {
        Tensor x = Tensor.FromArray(new double[] { 1, 2 });
        x.RequiresGrad = true;
        Tensor y = x * 2.0;
        Tensor d = y.Detach();
        Assert.True(d.IsLeaf);
        Assert.False(d.RequiresGrad);
        Assert.Equal(y.ToArray(), d.ToArray());
        d[0] = 10;
        Assert.Equal(10, y[0]); // shared storage

        (x * d).Sum().Backward(); // d is a constant: ∂/∂x = d
        Assert.Equal(new double[] { 10, 4 }, x.Grad!.ToArray());
    }

    [Fact]
    public void NoGrad_RecordsNoGraph()
    {
        Tensor x = Tensor.Ones(2, 2);
        x.RequiresGrad = true;
        Tensor y;
        using (new NoGrad())
        {
            y = (x * 2.0 + 1.0).Exp().MatMul(x);
        }
        Assert.True(y.IsLeaf);
        Assert.False(y.RequiresGrad);
        Assert.Empty(y.Parents);
        Assert.Equal("", y.Op);
        Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.True((x * 2.0).RequiresGrad); // recording resumes after the scope
    }

    [Fact]
    public void OpsOnTensorsThatNeedNoGradient_GiveLeaves()
    {
        Tensor y = Tensor.Ones(2) + Tensor.Ones(2);
        Assert.True(y.IsLeaf);
        Assert.False(y.RequiresGrad);
    }

    [Fact]
    public void RetainGrad_KeepsANonLeafGradient_OthersAreDropped()
    {
        Tensor x = Tensor.FromArray(new double[] { 1, -2 });
        x.RequiresGrad = true;
        Tensor h = (x * 3.0).RetainGrad();
        Tensor other = h * h;
        other.Sum().Backward();
        Assert.True(h.RetainsGrad);
        Assert.Equal(new double[] { 6, -12 }, h.Grad!.ToArray());    // ∂Σh²/∂h = 2h
        Assert.Null(other.Grad);
        Assert.Equal(new double[] { 18, -36 }, x.Grad!.ToArray());
    }

    [Fact]
    public void InspectionMode_RetainAllGrads_KeepsEveryIntermediateGradient()
    {
        Tensor a = Tensor.Ones([2, 2], DType.Float64);
        a.RequiresGrad = true;
        Tensor b = a + 2, c = b.Pow(2), d = 3 * c, loss = d.Mean();
        loss.Backward(retainAllGrads: true);
        Assert.Equal(1.0, loss.Grad!.Item());
        Assert.All(d.Grad!.ToArray(), g => Assert.Equal(0.25, g, 12));
        Assert.All(c.Grad!.ToArray(), g => Assert.Equal(0.75, g, 12));
        Assert.All(b.Grad!.ToArray(), g => Assert.Equal(4.5, g, 12));
        Assert.All(a.Grad!.ToArray(), g => Assert.Equal(4.5, g, 12));
        // Every node in the order has a gradient.
        Assert.All(loss.TopologicalOrder(), n => Assert.NotNull(n.Grad));
    }

    [Fact]
    public void RequiresGrad_CannotBeChangedOnANonLeaf()
    {
        Tensor x = Tensor.Ones(2);
        x.RequiresGrad = true;
        Tensor y = x * 2.0;
        var e = Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
        Assert.Contains("leaf", e.Message);
        Assert.False(y.IsLeaf);
    }

    [Fact]
    public void GraphIsExposedForViews()
    {
        Tensor w = Tensor.Ones(2, 2);
        w.RequiresGrad = true;
        w.Label = "W";
        Tensor x = Tensor.Ones(3, 2);
        Tensor y = x.MatMul(w).Relu();
        Assert.Equal("relu", y.Op);
        Tensor mm = Assert.Single(y.Parents);
        Assert.Equal("matmul", mm.Op);
        Assert.Equal(new[] { x, w }, mm.Parents);
        IReadOnlyList<Tensor> order = y.TopologicalOrder();
        Assert.Equal(4, order.Count);
        Assert.Same(y, order[^1]);
        for (int i = 0; i < order.Count; i++)
            foreach (Tensor p in order[i].Parents)
                Assert.True(IndexOf(order, p) < i);
        Assert.True(w.Id < y.Id);
        Assert.Equal("W", w.DisplayName);
    }

    private static int IndexOf(IReadOnlyList<Tensor> list, Tensor t)
    {
        for (int i = 0; i < list.Count; i++) if (ReferenceEquals(list[i], t)) return i;
        return -1;
    }

    [Fact]
    public void DeepChain_BackwardIsIterative()
    {
        Tensor x = Tensor.Scalar(1.0, DType.Float64);
        x.RequiresGrad = true;
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) y = y + 1.0;
        y.Backward();
        Assert.Equal(100_001, y.Item());
        Assert.Equal(1.0, x.Grad!.Item());
        Assert.Equal(100_001, y.TopologicalOrder().Count);
    }

    [Fact]
    public void Backward_WithExplicitGradient_ComputesVectorJacobianProduct()
    {
        Tensor x = Tensor.FromArray(new double[] { 1, 2, 3 });
        x.RequiresGrad = true;
        Tensor y = x * x;
        y.Backward(Tensor.FromArray(new double[] { 1, 0.5, -1 }));
        Assert.Equal(new double[] { 2, 2, -6 }, x.Grad!.ToArray());
    }

    [Fact]
    public void Backward_OnALeaf_SeedsItsOwnGradient()
    {
        Tensor x = Tensor.Scalar(3.0);
        x.RequiresGrad = true;
        x.Backward();
        Assert.Equal(1.0, x.Grad!.Item());
    }

    [Fact]
    public void UnusedBranchesAndConstantInputs_GetNoGradient()
    {
        Tensor w = Tensor.Ones(2);
        w.RequiresGrad = true;
        Tensor c = Tensor.Ones(2);
        (w * c).Sum().Backward();
        Assert.Null(c.Grad);
        Assert.NotNull(w.Grad);
    }
}
