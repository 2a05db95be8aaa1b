using Backprop.Core.Tests.Ops;

namespace Backprop.Core.Tests.Tensors;

/// <summary>The Float32 path of every op agrees with the Float64 path (values and gradients) within 1e-5 relative:
/// every row of the <see cref="OpTable"/>, and the ops listed here.</summary>
public class TensorFloat32ParityTests
{
    [Theory]
    [MemberData(nameof(OpTable.Names), MemberType = typeof(OpTable))]
    public void Float32_AgreesWithFloat64_ForEveryTableOp(string name)
    {
        OpRow row = OpTable.Row(name);
        (double[] y64, double[][] g64) = Run(row.Ours, OpTable.Inputs(row, 1, DType.Float64));
        (double[] y32, double[][] g32) = Run(row.Ours, OpTable.Inputs(row, 1, DType.Float32));
        AssertClose(y64, y32, "value");
        for (int k = 0; k < g64.Length; k++) AssertClose(g64[k], g32[k], $"gradient {k}");
    }

    public static TheoryData<string> Ops => new()
    {
        "softmax0", "softmax1", "logsoftmax0", "logsoftmax1", "matmul", "bmm", "transpose", "reshape", "sum", "sumaxis",
        "mean", "meanaxis", "max", "maxaxis", "slice", "indexselect", "concat",
    };

    private static Tensor Apply(string op, Tensor a, Tensor b, Tensor pos) => op switch
    {
        "softmax0" => a.Softmax(0),
        "softmax1" => a.Softmax(1),
        "logsoftmax0" => a.LogSoftmax(0),
        "logsoftmax1" => a.LogSoftmax(1),
        "matmul" => a.MatMul(b.T),
        "bmm" => a.Reshape(2, 2, 4).MatMul(b.T),
        "transpose" => a.T,
        "reshape" => a.Reshape(8, -1),
        "sum" => a.Sum(),
        "sumaxis" => a.Sum(1),
        "mean" => a.Mean(),
        "meanaxis" => a.Mean(0),
        "max" => a.Max(),
        "maxaxis" => a.Max(1),
        "slice" => a.Slice(1, 2),
        "indexselect" => a.IndexSelect([3, 0, 3]),
        "concat" => Tensor.Concat([a, b], 0),
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void Float32_AgreesWithFloat64(string op)
    {
        double[] a = Tensor.Randn([4, 4], 1, DType.Float64).ToArray();
        double[] b = Tensor.Randn([3, 4], 2, DType.Float64).ToArray();
        double[] pos = Tensor.Rand([4, 4], 3, DType.Float64).ToArray();
        for (int i = 0; i < pos.Length; i++) pos[i] = 0.5 + pos[i];
        // Round the inputs to float first so both paths see the same numbers.
        for (int i = 0; i < a.Length; i++) a[i] = (float)a[i];
        for (int i = 0; i < b.Length; i++) b[i] = (float)b[i];
        for (int i = 0; i < pos.Length; i++) pos[i] = (float)pos[i];

        (double[] y64, double[][] g64) = Run(op, a, b, pos, DType.Float64);
        (double[] y32, double[][] g32) = Run(op, a, b, pos, DType.Float32);
        AssertClose(y64, y32, "value");
        for (int k = 0; k < 3; k++) AssertClose(g64[k], g32[k], $"gradient {k}");
    }

    private static (double[] Y, double[][] Grads) Run(string op, double[] a, double[] b, double[] pos, DType dtype)
    {
        Tensor ta = Tensor.FromArray(a, [4, 4], dtype), tb = Tensor.FromArray(b, [3, 4], dtype), tp = Tensor.FromArray(pos, [4, 4], dtype);
        foreach (Tensor t in new[] { ta, tb, tp }) t.RequiresGrad = true;
        return Run(t => Apply(op, t[0], t[1], t[2]), [ta, tb, tp]);
    }

    /// <summary>y = f(inputs) and the inputs' gradients of Σ y·w for a fixed random w.</summary>
    private static (double[] Y, double[][] Grads) Run(Func<Tensor[], Tensor> f, Tensor[] inputs)
    {
        Tensor y = f(inputs);
        Tensor w = Tensor.FromArray(Tensor.Randn([.. y.Shape], 9, DType.Float64).ToArray(), [.. y.Shape], y.DType);
        (y * w).Sum().Backward();
        return (y.ToArray(), inputs.Select(Grad).ToArray());
    }

    private static double[] Grad(Tensor t) => t.Grad?.ToArray() ?? new double[t.ElementCount];

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 0;
        foreach (double e in expected) scale = Math.Max(scale, Math.Abs(e));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(Math.Abs(expected[i]), 1e-2 * scale) + 1e-7,
                $"{what}[{i}]: float64 {expected[i]:R} vs float32 {actual[i]:R}");
    }
}
