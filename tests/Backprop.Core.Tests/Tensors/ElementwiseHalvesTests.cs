using Backprop.Kernels;
using Backprop.Core.Tests.Kernels;

namespace Backprop.Core.Tests.Tensors;

/// <summary>
/// Large elementwise ops run as two halves on two threads (Kernels/Halves). Elementwise results do not
/// depend on where the range is cut, so each large result must equal, bit for bit, the same op applied to
/// small pieces (below the split threshold) and concatenated. Alone: a parallel test holding the second
/// thread would make these run unsplit.
/// </summary>
[Collection(nameof(RunsAloneCollection))]
public sealed class ElementwiseHalvesTests
{
    // Odd, and not a multiple of 16: the cut and the vector tails both land mid-way.
    private const int Length = Halves.MinElements * 2 + 12_345;
    private const int Piece = 10_007;

    private static Tensor Random(DType dtype, int seed, double lo = -3, double hi = 3, int length = Length)
    {
        var rng = new Rng((ulong)seed);
        double[] values = new double[length];
        for (int i = 0; i < length; i++) values[i] = rng.Uniform(lo, hi);
        return dtype == DType.Float32 ? Tensor.FromArray(Array.ConvertAll(values, v => (float)v), length) : Tensor.FromArray(values, length);
    }

    /// <summary>The op applied piece by piece to tensors far below the threshold, concatenated.</summary>
    private static double[] InPieces(Func<Tensor[], Tensor> op, params Tensor[] inputs)
    {
        int length = inputs[0].ElementCount;
        var result = new List<double>(length);
        for (int start = 0; start < length; start += Piece)
        {
            int n = Math.Min(Piece, length - start);
            Tensor[] pieces = Array.ConvertAll(inputs, t => Slice(t, start, n));
            result.AddRange(op(pieces).ToArray());
        }
        return [.. result];
    }

    private static Tensor Slice(Tensor t, int start, int n)
    {
        double[] all = t.ToArray();
        return t.DType == DType.Float32
            ? Tensor.FromArray(Array.ConvertAll(all[start..(start + n)], v => (float)v), n)
            : Tensor.FromArray(all[start..(start + n)], n);
    }

    public static TheoryData<string, DType> Ops()
    {
        var data = new TheoryData<string, DType>();
        foreach (string op in new[] { "add", "sub", "mul", "div", "add-scalar", "scalar-div", "exp", "tanh", "sigmoid", "relu", "log-abs", "pow" })
            foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
                data.Add(op, dtype);
        return data;
    }

    private static Tensor Apply(string op, Tensor[] t) => op switch
    {
        "add" => t[0] + t[1],
        "sub" => t[0] - t[1],
        "mul" => t[0] * t[1],
        "div" => t[0] / (t[1].Abs() + 0.5),
        "add-scalar" => t[0] + 2.5,
        "scalar-div" => 1.0 / (t[0].Abs() + 0.25),
        "exp" => t[0].Exp(),
        "tanh" => t[0].Tanh(),
        "sigmoid" => Tensor.Sigmoid(t[0]),
        "relu" => t[0].Relu(),
        "log-abs" => (t[0].Abs() + 1e-3).Log(),
        "pow" => t[0].Pow(3),
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void A_large_op_split_over_two_threads_equals_the_op_on_small_pieces(string op, DType dtype)
    {
        Tensor a = Random(dtype, 1), b = Random(dtype, 2);
        long splitsBefore = Halves.Splits;
        double[] whole;
        using (new NoGrad()) whole = Apply(op, [a, b]).ToArray();
        if (Environment.ProcessorCount >= 2)
            Assert.True(Halves.Splits > splitsBefore, "expected the large op to run in two halves");
        Assert.Equal(InPieces(p => Apply(op, p), a, b), whole);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void A_large_backward_pass_split_over_two_threads_equals_the_gradient_on_small_pieces(DType dtype)
    {
        // y = Σ tanh(x)·w: the tanh backward (dx += dy·(1 − y²)) runs over the whole length.
        Tensor x = Random(dtype, 3), w = Random(dtype, 4);
        x.RequiresGrad = true;
        long splitsBefore = Halves.Splits;
        (x.Tanh() * w).Sum().Backward();
        if (Environment.ProcessorCount >= 2) Assert.True(Halves.Splits > splitsBefore);
        double[] expected = InPieces(p =>
        {
            Tensor xp = p[0].Detach();
            xp.RequiresGrad = true;
            (xp.Tanh() * p[1]).Sum().Backward();
            return xp.Grad!;
        }, x.Detach(), w);
        Assert.Equal(expected, x.Grad!.ToArray());
    }

    [Theory]
    [InlineData(DType.Float32, false)]
    [InlineData(DType.Float64, true)]
    public void A_large_softmax_split_by_rows_equals_each_row_alone(DType dtype, bool log)
    {
        const int rows = 301, columns = 1000; // 301,000 elements: above the threshold
        Tensor x = Random(dtype, 5, -20, 20, rows * columns).Reshape(rows, columns);
        long splitsBefore = Halves.Splits;
        double[] whole = (log ? x.LogSoftmax() : x.Softmax()).ToArray();
        if (Environment.ProcessorCount >= 2) Assert.True(Halves.Splits > splitsBefore);
        for (int r = 0; r < rows; r++)
        {
            Tensor row = Slice(x.Reshape(rows * columns), r * columns, columns);
            Assert.Equal((log ? row.LogSoftmax() : row.Softmax()).ToArray(), whole[(r * columns)..((r + 1) * columns)]);
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void A_large_parameter_is_updated_and_its_gradient_zeroed_in_two_halves(DType dtype)
    {
        Tensor w = Random(dtype, 8), target = Random(dtype, 9);
        w.RequiresGrad = true;
        double[] before = w.ToArray();
        ((w * target).Sum()).Backward();            // ∂/∂w = target
        var sgd = new Backprop.Optim.SGD([w], 0.125);
        long splitsBefore = Halves.Splits;
        sgd.Step();
        if (Environment.ProcessorCount >= 2) Assert.True(Halves.Splits > splitsBefore);
        double[] t = target.ToArray(), expected = new double[Length];
        for (int i = 0; i < Length; i++)
            expected[i] = dtype == DType.Float32 ? (float)((float)before[i] + (float)t[i] * -0.125f) : before[i] + t[i] * -0.125;
        Assert.Equal(expected, w.ToArray());

        splitsBefore = Halves.Splits;
        sgd.ZeroGrad();
        if (Environment.ProcessorCount >= 2) Assert.True(Halves.Splits > splitsBefore);
        Assert.All(w.Grad!.ToArray(), g => Assert.Equal(0.0, g));
    }

    [Theory]
    [InlineData(DType.Float32, "adam")]
    [InlineData(DType.Float64, "adam-l2")]
    [InlineData(DType.Float32, "adamw-amsgrad")]
    [InlineData(DType.Float32, "sgd-momentum")]
    [InlineData(DType.Float64, "sgd-nesterov-l2")]
    public void An_optimizer_on_a_large_parameter_equals_the_optimizer_on_its_small_pieces(DType dtype, string kind)
    {
        Backprop.Optim.Optimizer Create(Tensor w) => kind switch
        {
            "adam" => new Backprop.Optim.Adam([w], 0.01),
            "adam-l2" => new Backprop.Optim.Adam([w], 0.01, weightDecay: 0.1),
            "sgd-momentum" => new Backprop.Optim.SGD([w], 0.01, momentum: 0.9, dampening: 0.1),
            "sgd-nesterov-l2" => new Backprop.Optim.SGD([w], 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.1),
            _ => new Backprop.Optim.AdamW([w], 0.01, weightDecay: 0.1, amsgrad: true),
        };
        // Three steps with different gradients, so the moments (and AMSGrad's maximum) carry over.
        void Train(Tensor w, Tensor[] targets)
        {
            w.RequiresGrad = true;
            var optimizer = Create(w);
            foreach (Tensor target in targets)
            {
                optimizer.ZeroGrad();
                ((w - target) * (w - target)).Sum().Backward();
                optimizer.Step();
            }
        }
        Tensor w0 = Random(dtype, 10);
        Tensor[] targets = [Random(dtype, 11), Random(dtype, 12), Random(dtype, 13)];
        Tensor whole = w0.Detach() * 1.0;
        long splitsBefore = Halves.Splits;
        Train(whole, targets);
        if (Environment.ProcessorCount >= 2) Assert.True(Halves.Splits > splitsBefore);
        double[] expected = InPieces(p =>
        {
            Tensor w = p[0] * 1.0;
            Train(w, p[1..]);
            return w;
        }, [w0, .. targets]);
        Assert.Equal(expected, whole.ToArray());
    }

    [Fact]
    public void Large_ops_from_several_threads_at_once_are_all_correct()
    {
        // Only one caller can hold the second thread; the others run their ops whole, on their own thread.
        Tensor a = Random(DType.Float32, 6), b = Random(DType.Float32, 7);
        double[] expected = InPieces(p => p[0] * p[1] + p[0].Exp(), a, b);
        var results = new double[4][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            for (int repeat = 0; repeat < 3; repeat++) results[i] = (a * b + a.Exp()).ToArray();
        });
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void The_second_thread_is_not_reentrant()
    {
        Assert.True(SecondThread.TryAcquire());
        try
        {
            Assert.False(SecondThread.TryAcquire()); // a job running on the caller's half cannot split again
        }
        finally
        {
            SecondThread.Release();
        }
    }
}
