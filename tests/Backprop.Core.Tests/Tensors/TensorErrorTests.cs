namespace Backprop.Core.Tests.Tensors;

/// <summary>Tensor.DetectAnomaly is process-wide, so the tests that switch it on run alone (after the parallel ones).</summary>
[CollectionDefinition(nameof(AnomalyModeCollection), DisableParallelization = true)]
public sealed class AnomalyModeCollection;

[Collection(nameof(AnomalyModeCollection))]
public class TensorErrorTests
{
    [Fact]
    public void MatMul_InnerMismatch_NamesOpAndBothShapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.MatMul(Tensor.Zeros(2, 3), Tensor.Zeros(4, 5)));
        Assert.Equal("matmul: cannot multiply [2, 3] by [4, 5]: expected the inner dimensions to agree (3 ≠ 4)", e.Message);
        Assert.Equal("matmul", e.Op);
        Assert.Equal(new[] { 2, 3 }, e.LeftShape);
        Assert.Equal(new[] { 4, 5 }, e.RightShape);
        Assert.IsAssignableFrom<ArgumentException>(e);
    }

    [Fact]
    public void ShapeErrors_OfEveryOp_NameTheOpAndBothShapes()
    {
        AssertShapeError("add", "[2, 3]", "[4]", () => _ = Tensor.Zeros(2, 3) + Tensor.Zeros(4));
        AssertShapeError("sub", "[2, 3]", "[3, 3]", () => _ = Tensor.Zeros(2, 3) - Tensor.Zeros(3, 3));
        AssertShapeError("mul", "[5]", "[2, 4]", () => _ = Tensor.Zeros(5) * Tensor.Zeros(2, 4));
        AssertShapeError("div", "[2, 2]", "[3]", () => _ = Tensor.Zeros(2, 2) / Tensor.Zeros(3));
        AssertShapeError("matmul", "[2, 3, 4]", "[3, 4, 5]", () => Tensor.MatMul(Tensor.Zeros(2, 3, 4), Tensor.Zeros(3, 4, 5)));
        AssertShapeError("matmul", "[4]", "[5, 6]", () => Tensor.MatMul(Tensor.Zeros(4), Tensor.Zeros(5, 6)));
        AssertShapeError("matmul", "[2, 3]", "[4]", () => Tensor.MatMul(Tensor.Zeros(2, 3), Tensor.Zeros(4)));
        AssertShapeError("matmul", "[2, 3, 4]", "[5, 3, 4, 2]", () => Tensor.MatMul(Tensor.Zeros(2, 3, 4), Tensor.Zeros(5, 3, 4, 2)));
        AssertShapeError("matmul", "[]", "[3]", () => Tensor.MatMul(Tensor.Scalar(1), Tensor.Zeros(3)));
        AssertShapeError("reshape", "[2, 3]", "[4, 2]", () => _ = Tensor.Zeros(2, 3).Reshape(4, 2));
        AssertShapeError("reshape", "[2, 3]", "[4, -1]", () => _ = Tensor.Zeros(2, 3).Reshape(4, -1));
        AssertShapeError("concat", "[2, 3]", "[2, 4]", () => Tensor.Concat([Tensor.Zeros(2, 3), Tensor.Zeros(2, 4)], 0));
        AssertShapeError("Backward", "[3]", "[2]", () =>
        {
            Tensor x = Tensor.Ones(3);
            x.RequiresGrad = true;
            (x * 2.0).Backward(Tensor.Ones(2));
        });
    }

    private static void AssertShapeError(string op, string left, string right, Action action)
    {
        var e = Assert.Throws<ShapeMismatchException>(action);
        Assert.StartsWith(op + ":", e.Message);
        Assert.Contains(left, e.Message);
        Assert.Contains(right, e.Message);
    }

    [Fact]
    public void Backward_OnNonScalarWithoutGradient_SaysSoAndNamesTheShape()
    {
        Tensor x = Tensor.Ones(2, 3);
        x.RequiresGrad = true;
        var e = Assert.Throws<InvalidOperationException>(() => (x * 2.0).Backward());
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("one-element", e.Message);
        Assert.Contains("Backward(gradient)", e.Message);
    }

    [Fact]
    public void MixingDTypes_IsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Ones(2) + Tensor.Ones([2], DType.Float64));
        Assert.Contains("add", e.Message);
        Assert.Contains("Float32", e.Message);
        Assert.Contains("Float64", e.Message);
        Assert.Contains(".To(DType", e.Message);
        Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Ones(2, 2), Tensor.Ones([2, 2], DType.Float64)));
    }

    [Fact]
    public void AxisAndIndexErrors_NameTheOpAndShape()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Sum(2));
        Assert.Contains("sum", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("slice", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(4, 2).Slice(3, 2)).Message);
        Assert.Contains("index_select", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(4, 2).IndexSelect([4])).Message);
        Assert.Contains("transpose", Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(2, 2, 2).Transpose()).Message);
    }

    [Fact]
    public void DetectAnomaly_NamesTheFirstForwardOpThatProducedNaN()
    {
        Tensor.DetectAnomaly = true;
        try
        {
            Tensor x = Tensor.FromArray(new double[] { 1, -1 });
            x.RequiresGrad = true;
            Tensor y = x * 2.0; // fine
            var e = Assert.Throws<NonFiniteTensorException>(() => y.Log());
            Assert.Equal("log", e.Op);
            Assert.Contains("'log'", e.Message);
            Assert.Contains("NaN", e.Message);
        }
        finally
        {
            Tensor.DetectAnomaly = false;
        }
    }

    [Fact]
    public void DetectAnomaly_NamesTheFirstBackwardOpThatProducedInfinity()
    {
        Tensor x = Tensor.FromArray(new double[] { 0, 4 });
        x.RequiresGrad = true;
        Tensor loss = (x.Sqrt() * 3.0).Sum(); // forward finite; ∂√x/∂x = ∞ at 0
        Tensor.DetectAnomaly = true;
        try
        {
            var e = Assert.Throws<NonFiniteTensorException>(() => loss.Backward());
            Assert.Equal("sqrt", e.Op);
            Assert.Contains("Backward", e.Message);
        }
        finally
        {
            Tensor.DetectAnomaly = false;
        }
        // Without detection the infinity simply propagates, and no stale state was left behind.
        x.Grad = null;
        loss.Backward();
        Assert.True(double.IsInfinity(x.Grad![0]));
        Assert.Equal(0.75, x.Grad[1], 12);
    }
}
