using Backprop.NN;

namespace Backprop.Core.Tests.Hostile;

/// <summary>Issue 12: shapes whose products overflow, zero inner dimensions, and degenerate tensors to print.</summary>
public class HostileShapeTests
{
    [Fact]
    public void Reshape_with_an_inferred_size_whose_product_overflows_names_the_op_and_the_shapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.Arange(6).Reshape(65537, 65535, -1));
        Assert.Contains("reshape", e.Message);
        Assert.Contains("[6]", e.Message);
        Assert.Contains("[65537, 65535, -1]", e.Message);
        Assert.Contains("expected", e.Message);
    }

    [Fact]
    public void Reshape_into_a_shape_whose_product_wraps_to_the_element_count_is_refused()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.Arange(4).Reshape(4, 1073741825));
        Assert.Contains("reshape: cannot reshape [4] (4 elements) into [4, 1073741825] (more than 2147483647 elements)", e.Message);
        Assert.Contains("expected equal element counts", e.Message);
    }

    [Fact]
    public void Reshape_of_an_empty_tensor_into_a_too_large_zero_size_shape_is_refused()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.Zeros(0).Reshape(0, 65536, 65536));
        Assert.Contains("reshape", e.Message);
        Assert.Equal([0, 3], Tensor.Zeros(0).Reshape(0, 3).Shape);
    }

    [Theory]
    [InlineData(0, 65536, 65536)]
    [InlineData(65536, 0, 65536)]
    [InlineData(65536, 65536, 0)]
    public void A_zero_size_shape_is_judged_the_same_whatever_the_order_of_its_dimensions(int a, int b, int c)
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(a, b, c));
        Assert.Contains("non-zero dimensions", e.Message);
    }

    [Fact]
    public void Zero_size_shapes_within_the_limit_are_accepted_in_any_order()
    {
        Assert.Equal(0, Tensor.Zeros(0, 1000, 1000).ElementCount);
        Assert.Equal(0, Tensor.Zeros(1000, 1000, 0).ElementCount);
    }

    [Fact]
    public void MatMul_with_an_inner_dimension_of_zero_gives_zeros_and_gradients_of_the_right_shapes()
    {
        var a = Tensor.Ones(3, 0);
        var b = Tensor.Ones(0, 2);
        a.RequiresGrad = true;
        b.RequiresGrad = true;
        Tensor y = Tensor.MatMul(a, b);
        Assert.Equal([3, 2], y.Shape);
        Assert.All(y.ToArray(), v => Assert.Equal(0.0, v));
        y.Sum().Backward();
        Assert.Equal([3, 0], a.Grad!.Shape);
        Assert.Equal([0, 2], b.Grad!.Shape);
    }

    [Fact]
    public void Batched_MatMul_with_an_inner_dimension_of_zero_gives_zeros()
    {
        Tensor y = Tensor.MatMul(Tensor.Ones(2, 3, 0), Tensor.Ones(2, 0, 4));
        Assert.Equal([2, 3, 4], y.Shape);
        Assert.All(y.ToArray(), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Linear_with_zero_input_features_gives_the_bias_and_gradients_of_the_right_shapes()
    {
        var x = Tensor.Ones(3, 0);
        var w = Tensor.Ones(2, 0);
        var bias = Tensor.FromArray(new float[] { 1.5f, -2f }, 2);
        x.RequiresGrad = w.RequiresGrad = bias.RequiresGrad = true;
        Tensor y = Functional.Linear(x, w, bias);
        Assert.Equal([3, 2], y.Shape);
        Assert.Equal([1.5, -2, 1.5, -2, 1.5, -2], y.ToArray());
        y.Sum().Backward();
        Assert.Equal([3, 0], x.Grad!.Shape);
        Assert.Equal([2, 0], w.Grad!.Shape);
        Assert.Equal([3.0, 3.0], bias.Grad!.ToArray());
        Assert.Equal([3, 2], Functional.Linear(x, w).Shape);
    }

    [Fact]
    public void ToString_of_an_empty_tensor_with_a_huge_leading_dimension_is_short()
    {
        string s = Tensor.Zeros(100_000_000, 0).ToString();
        Assert.Equal("tensor([], shape=[100000000, 0], dtype=float32)", s);
        Assert.Equal("tensor([], dtype=float32)", Tensor.Zeros(0).ToString());
    }

    [Fact]
    public void ToString_of_a_very_deep_tensor_neither_recurses_nor_grows_per_nesting_level()
    {
        int[] shape = new int[50_000];
        Array.Fill(shape, 1);
        string s = Tensor.Ones(shape).ToString();
        Assert.StartsWith("tensor([1.], shape=[1, 1, 1", s);
        Assert.True(s.Length < 4 * shape.Length, $"{s.Length} characters");
    }

    [Fact]
    public void ToString_of_a_tensor_that_would_show_too_many_cells_even_elided_prints_flat()
    {
        int[] shape = new int[21];
        Array.Fill(shape, 2); // 2^21 elements, none elided per dimension (2 ≤ 6)
        string s = Tensor.Zeros(shape).ToString();
        Assert.StartsWith("tensor([0., 0., 0., 0., 0., 0., ...], shape=[2, 2", s);
        Assert.True(s.Length < 200, $"{s.Length} characters");
    }

    [Fact]
    public void ToString_keeps_the_nested_layout_for_elided_and_small_tensors()
    {
        string s = Tensor.Arange(0, 2000, 1, DType.Float64).Reshape(2, 1000).ToString();
        Assert.Equal("tensor([[   0.,    1.,    2., ...,  997.,  998.,  999.],\n        [1000., 1001., 1002., ..., 1997., 1998., 1999.]], shape=[2, 1000], dtype=float64)", s);
        string t = Tensor.Arange(0, 1400, 1, DType.Float64).Reshape(7, 2, 100).ToString();
        Assert.Contains("]],\n\n        [[", t);
        Assert.Contains("]],\n\n        ...,\n        [[", t);
    }
}
