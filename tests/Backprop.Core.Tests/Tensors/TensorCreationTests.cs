namespace Backprop.Core.Tests.Tensors;

public class TensorCreationTests
{
    [Fact]
    public void Zeros_Ones_Full_HaveShapeDTypeAndValues()
    {
        Tensor z = Tensor.Zeros(2, 3);
        Assert.Equal(new[] { 2, 3 }, z.Shape);
        Assert.Equal(2, z.Rank);
        Assert.Equal(6, z.ElementCount);
        Assert.Equal(DType.Float32, z.DType);
        Assert.All(z.ToArray(), v => Assert.Equal(0, v));
        Assert.Equal(DType.Float64, Tensor.Zeros([2], DType.Float64).DType);
        Assert.All(Tensor.Ones([3], DType.Float64).ToArray(), v => Assert.Equal(1, v));
        Assert.All(Tensor.Full([2, 2], 7.5).ToArray(), v => Assert.Equal(7.5, v));
        Assert.Equal(3, Tensor.Zeros(2, 3).Size(-1));
    }

    [Fact]
    public void FromArray_InfersDType_AndKeepsRowMajorOrder()
    {
        Tensor f = Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal(DType.Float32, f.DType);
        Assert.Equal(new[] { 2, 3 }, f.Shape);
        Assert.Equal(6, f[1, 2]);
        Assert.Equal(2, f[0, 1]);
        Tensor d = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        Assert.Equal(DType.Float64, d.DType);
        Assert.Equal(3, d[-1, 0]);
        Tensor v = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        Assert.Equal(new[] { 3, 2 }, v.Shape);
        Assert.Equal(4, v[1, 1]);
        Tensor s = Tensor.FromArray((ReadOnlySpan<float>)new float[] { 1, 2, 3, 4 }, 2, 2);
        Assert.Equal(DType.Float32, s.DType);
        Tensor conv = Tensor.FromArray(new double[] { 0.1, 0.2 }, [2], DType.Float32);
        Assert.Equal(DType.Float32, conv.DType);
        Assert.Equal(0.1f, conv.ToFloatArray()[0]);
        Assert.Throws<ArgumentException>(() => Tensor.FromArray(new double[] { 1, 2, 3 }, 2, 2));
    }

    [Fact]
    public void Arange_Eye_Scalar()
    {
        Assert.Equal(new double[] { 0, 1, 2, 3 }, Tensor.Arange(4).ToArray());
        Assert.Equal(new double[] { 1, 1.5, 2, 2.5 }, Tensor.Arange(1, 3, 0.5, DType.Float64).ToArray());
        Assert.Empty(Tensor.Arange(3, 0).ToArray());
        Tensor eye = Tensor.Eye(3);
        Assert.Equal(1, eye[1, 1]);
        Assert.Equal(0, eye[1, 2]);
        Assert.Equal(3, eye.Sum().Item());
        Tensor s = Tensor.Scalar(2.5, DType.Float64);
        Assert.Equal(0, s.Rank);
        Assert.Equal(1, s.ElementCount);
        Assert.Equal(2.5, s.Item());
        Assert.Throws<InvalidOperationException>(() => Tensor.Ones(2).Item());
    }

    [Fact]
    public void Randn_Rand_AreSeededAndPlausible()
    {
        Tensor a = Tensor.Randn([100, 100], 42), b = Tensor.Randn([100, 100], 42), c = Tensor.Randn([100, 100], 43);
        Assert.Equal(a.ToArray(), b.ToArray());
        Assert.NotEqual(a.ToArray(), c.ToArray());
        double mean = a.Mean().Item();
        double var = (a - mean).Pow(2).Mean().Item();
        Assert.InRange(mean, -0.05, 0.05);
        Assert.InRange(var, 0.9, 1.1);
        Tensor u = Tensor.Rand([1000], 7, DType.Float64);
        Assert.All(u.ToArray(), v => Assert.InRange(v, 0, 0.9999999999));
        Assert.InRange(u.Mean().Item(), 0.45, 0.55);
        Assert.Equal(a.ToArray(), Tensor.RandnLike(a, 42).ToArray());
    }

    [Fact]
    public void Likes_CopyShapeAndDType()
    {
        Tensor t = Tensor.Zeros([2, 3], DType.Float64);
        foreach (Tensor l in new[] { Tensor.ZerosLike(t), Tensor.OnesLike(t), Tensor.FullLike(t, 3), Tensor.RandnLike(t, 1) })
        {
            Assert.Equal(t.Shape, l.Shape);
            Assert.Equal(DType.Float64, l.DType);
        }
        Assert.All(Tensor.FullLike(t, 3).ToArray(), v => Assert.Equal(3, v));
    }

    [Fact]
    public void Indexer_ToArray_AsSpan_To()
    {
        Tensor t = Tensor.Zeros(2, 2);
        t[0, 1] = 5;
        Assert.Equal(5, t[0, 1]);
        Assert.Equal(new double[] { 0, 5, 0, 0 }, t.ToArray());
        Span<float> span = t.AsSpan<float>();
        span[3] = 9;
        Assert.Equal(9, t[1, 1]);
        Assert.Throws<InvalidOperationException>(() => t.AsSpan<double>());
        Assert.Throws<IndexOutOfRangeException>(() => t[2, 0]);
        Assert.Throws<ArgumentException>(() => t[0]);
        Tensor d = t.To(DType.Float64);
        Assert.Equal(DType.Float64, d.DType);
        Assert.Equal(t.ToArray(), d.ToArray());
        double[] copy = d.ToArray();
        copy[0] = 100;
        Assert.Equal(0, d[0, 0]);
    }

    [Fact]
    public void ToString_ShowsValuesDTypeAndGradState()
    {
        Tensor a = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        Assert.Equal("tensor([[1., 2.],\n        [3., 4.]], dtype=float64)", a.ToString());
        Tensor b = Tensor.FromArray(new float[] { 0.5f, -1.25f });
        b.RequiresGrad = true;
        Assert.Equal("tensor([ 0.5000, -1.2500], dtype=float32, requires_grad=True)", b.ToString());
        Assert.Equal("tensor([ 1.0000, -2.5000], dtype=float32, op=mul)", (b * 2).ToString());
        Assert.Equal("tensor(2.5000, dtype=float32)", Tensor.Scalar(2.5).ToString());
    }

    [Fact]
    public void ToString_ElidesLargeTensors()
    {
        string s = Tensor.Arange(0, 2000, 1, DType.Float64).Reshape(40, 50).ToString();
        Assert.Contains("...", s);
        Assert.Contains("shape=[40, 50]", s);
        Assert.Contains("1999.", s);
        Assert.DoesNotContain("1000.", s);
        Assert.True(s.Length < 1000);
    }
}
