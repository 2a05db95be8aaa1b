namespace Backprop.Core.Tests.Tensors;

/// <summary>Rank-0 tensors (shape []) from every factory that takes a shape, and how they print.</summary>
public class RankZeroTests
{
    public static TheoryData<string, Func<Tensor>> Factories() => new()
    {
        { "Zeros", () => Tensor.Zeros() },
        { "Zeros(dtype)", () => Tensor.Zeros([], DType.Float64) },
        { "Ones", () => Tensor.Ones() },
        { "Ones(dtype)", () => Tensor.Ones([], DType.Float64) },
        { "Full", () => Tensor.Full([], 2.5) },
        { "Scalar", () => Tensor.Scalar(2.5) },
        { "FromArray(dtype)", () => Tensor.FromArray(new double[] { 2.5 }, [], DType.Float32) },
        { "FromArray(dtype) f64", () => Tensor.FromArray(new double[] { 2.5 }, [], DType.Float64) },
        { "Rand", () => Tensor.Rand([], 1) },
        { "Randn", () => Tensor.Randn([], 1, DType.Float64) },
        { "ZerosLike", () => Tensor.ZerosLike(Tensor.Scalar(1)) },
        { "OnesLike", () => Tensor.OnesLike(Tensor.Scalar(1)) },
        { "FullLike", () => Tensor.FullLike(Tensor.Scalar(1), 3) },
        { "RandnLike", () => Tensor.RandnLike(Tensor.Scalar(1), 3) },
    };

    [Theory]
    [MemberData(nameof(Factories))]
    public void Every_factory_makes_rank_0_from_an_empty_shape(string name, Func<Tensor> make)
    {
        Tensor t = make();
        Assert.True(t.Rank == 0, name);
        Assert.Empty(t.Shape);
        Assert.Equal(1, t.ElementCount);
        _ = t.Item();
    }

    [Fact]
    public void FromArray_with_an_empty_shape_and_a_dtype_needs_exactly_one_value()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new double[] { 1, 2 }, [], DType.Float64));
        Assert.Contains("shape []", e.Message);
        Assert.Equal([2], Tensor.FromArray(new double[] { 1, 2 }).Shape); // no shape at all: 1-D
    }

    [Fact]
    public void Rank_0_prints_like_PyTorch_and_differentiates()
    {
        Assert.Equal("tensor(2.5000, dtype=float32)", Tensor.Scalar(2.5).ToString());
        Assert.Equal("tensor(3., dtype=float64)", Tensor.FromArray(new double[] { 3 }, [], DType.Float64).ToString());
        Tensor x = Tensor.Scalar(3, DType.Float64);
        x.RequiresGrad = true;
        Tensor y = x * x;
        Assert.Equal(0, y.Rank);
        y.Backward();
        Assert.Equal(6.0, x.Grad!.Item());
        Assert.Equal(0, x.Grad.Rank);
        Assert.Equal(3.0, x[[]]);
    }
}
