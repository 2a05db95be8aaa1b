namespace Backprop.Core.Tests.Tensors;

/// <summary>MatMul's result shapes follow torch.matmul: vectors, dot products and broadcast batch dimensions.</summary>
public class MatMulSemanticsTests
{
    [Theory]
    [InlineData(new[] { 4 }, new[] { 4, 3 }, new[] { 3 })]
    [InlineData(new[] { 2, 4 }, new[] { 4 }, new[] { 2 })]
    [InlineData(new[] { 4 }, new[] { 4 }, new int[0])]
    [InlineData(new[] { 2, 1, 3, 4 }, new[] { 5, 4, 6 }, new[] { 2, 5, 3, 6 })]
    [InlineData(new[] { 3, 4 }, new[] { 2, 4, 5 }, new[] { 2, 3, 5 })]
    [InlineData(new[] { 4 }, new[] { 2, 4, 3 }, new[] { 2, 3 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4 }, new[] { 2, 3 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4, 5 }, new[] { 2, 3, 5 })]
    public void Result_shapes_follow_torch_matmul(int[] sa, int[] sb, int[] expected)
    {
        Assert.Equal(expected, Tensor.MatMul(Tensor.Ones(sa), Tensor.Ones(sb)).Shape);
    }

    [Fact]
    public void Dot_product_is_rank_0()
    {
        var a = Tensor.FromArray(new double[] { 1, 2, 3 });
        var b = Tensor.FromArray(new double[] { 4, 5, 6 });
        Tensor y = a.MatMul(b);
        Assert.Equal(0, y.Rank);
        Assert.Equal(32.0, y.Item());
    }

    [Fact]
    public void Broadcast_batch_item_equals_the_plain_product_and_broadcast_gradients_are_summed()
    {
        Tensor a = Tensor.Randn([2, 1, 3, 4], 1, DType.Float64);
        Tensor b = Tensor.Randn([5, 4, 6], 2, DType.Float64);
        a.RequiresGrad = b.RequiresGrad = true;
        Tensor y = a.MatMul(b);
        // Item [1, 3] is a[1, 0] · b[3].
        Tensor expected = a.Detach().Reshape(2, 3, 4).IndexSelect([1]).Reshape(3, 4).MatMul(b.Detach().IndexSelect([3]).Reshape(4, 6));
        Tensor item = y.Detach().Reshape(10, 3, 6).IndexSelect([1 * 5 + 3]).Reshape(3, 6);
        Assert.Equal(expected.ToArray(), item.ToArray());

        y.Sum().Backward();
        // ∂(Σ A·B)/∂B[j] = Σ over the 2 items of A that meet it of A[i]ᵀ·1: every B[j] gets the same gradient.
        double[] gb = b.Grad!.ToArray();
        for (int j = 1; j < 5; j++)
            for (int e = 0; e < 24; e++) Assert.Equal(gb[e], gb[j * 24 + e], 12);
    }

    [Fact]
    public void Empty_batches_and_empty_vectors_give_empty_results_and_zero_dot_products()
    {
        Tensor a = Tensor.Ones([1, 2, 3], DType.Float64), b = Tensor.Ones([0, 3, 4], DType.Float64);
        a.RequiresGrad = b.RequiresGrad = true;
        Tensor y = a.MatMul(b);
        Assert.Equal([0, 2, 4], y.Shape);
        y.Sum().Backward();
        Assert.All(a.Grad!.ToArray(), g => Assert.Equal(0.0, g));
        Tensor dot = Tensor.Zeros([0], DType.Float64).MatMul(Tensor.Zeros([0], DType.Float64));
        Assert.Equal(0, dot.Rank);
        Assert.Equal(0.0, dot.Item());
    }
}
