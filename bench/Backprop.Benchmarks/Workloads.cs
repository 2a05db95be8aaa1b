using Backprop.Data;
using Backprop.Kernels;
using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Benchmarks;

/// <summary>One timed workload: Step() is what is measured; Export writes what the PyTorch twin needs.</summary>
public abstract class Workload
{
    public abstract string Name { get; }
    public abstract void Step();
    /// <summary>Writes the inputs and initial weights (raw little-endian float32 files) and returns the manifest entry.</summary>
    public virtual Dictionary<string, object> Export(string dir) => new();
    /// <summary>A number both sides can compare after the first step (e.g. the first loss).</summary>
    public virtual double? Check => null;

    protected static string Save(string dir, string file, ReadOnlySpan<float> data)
    {
        File.WriteAllBytes(Path.Combine(dir, file), System.Runtime.InteropServices.MemoryMarshal.AsBytes(data).ToArray());
        return file;
    }

    /// <summary>Writes a model's initial parameters (<paramref name="initial"/>, in <c>NamedParameters()</c> order) as
    /// <c>{prefix}_p{i}.bin</c> and returns their manifest entries (name, shape, file) for the twin's <c>load_linears</c>.</summary>
    protected static List<object> SaveParameters(string dir, string prefix, Module model, float[][] initial)
    {
        var parameters = model.NamedParameters().ToList();
        var files = new List<object>();
        for (int i = 0; i < parameters.Count; i++)
            files.Add(new { name = parameters[i].Name, shape = parameters[i].Parameter.Shape.ToArray(), file = Save(dir, $"{prefix}_p{i}.bin", initial[i]) });
        return files;
    }

    protected static float[] Uniform(Rng rng, int count, double lo, double hi)
    {
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.Uniform(lo, hi);
        return a;
    }
}

/// <summary>fp32 C = A·B, 1024³, through Gemm.Multiply.</summary>
public sealed class Gemm1024 : Workload
{
    const int N = 1024;
    readonly float[] _a, _b, _c = new float[N * N];
    public Gemm1024()
    {
        var rng = new Rng(1);
        _a = Uniform(rng, N * N, -1, 1);
        _b = Uniform(rng, N * N, -1, 1);
    }
    public override string Name => "gemm1024";
    public override void Step() => Gemm.Multiply(false, false, N, N, N, 1f, _a, N, _b, N, 0f, _c, N);
    public override Dictionary<string, object> Export(string dir) => new()
    {
        ["n"] = N,
        ["a"] = Save(dir, "gemm_a.bin", _a),
        ["b"] = Save(dir, "gemm_b.bin", _b),
    };
}

/// <summary>A tensor MLP train step: forward, loss, zero grad, backward, SGD step.</summary>
public sealed class MlpStep : Workload
{
    readonly string _name;
    readonly Sequential _model;
    readonly SGD _sgd;
    readonly Tensor _x;
    readonly int[]? _labels;
    readonly Tensor? _target;
    readonly int[] _sizes;
    readonly string _activation, _loss;
    readonly float[] _xData, _yData;
    readonly float[][] _initial;
    double? _firstLoss;
    public const double LearningRate = 0.01;

    MlpStep(string name, int[] sizes, Activation activation, int batch, bool classify, int seed)
    {
        _name = name;
        _sizes = sizes;
        _activation = activation == Activation.ReLU ? "relu" : "tanh";
        _loss = classify ? "cross_entropy" : "mse";
        _model = MLP.Create(sizes[0], sizes[1..^1], sizes[^1], activation, seed: seed, fuseActivations: true);
        _initial = [.. _model.Parameters().Select(p => p.AsReadOnlySpan<float>().ToArray())];
        _sgd = new SGD(_model.Parameters(), LearningRate);
        var rng = new Rng(seed + 1);
        _xData = classify ? Uniform(rng, batch * sizes[0], 0, 1) : Gaussian(rng, batch * sizes[0]);
        _x = Tensor.FromArray(_xData, batch, sizes[0]);
        if (classify)
        {
            _labels = new int[batch];
            for (int i = 0; i < batch; i++) _labels[i] = rng.NextInt(sizes[^1]);
            _yData = [.. _labels.Select(l => (float)l)];
        }
        else
        {
            _yData = Gaussian(rng, batch * sizes[^1]);
            _target = Tensor.FromArray(_yData, batch, sizes[^1]);
        }
    }

    static float[] Gaussian(Rng rng, int count)
    {
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextGaussian();
        return a;
    }

    public static MlpStep Mnist(int batch) => new($"mlp{batch}", [784, 256, 128, 10], Activation.ReLU, batch, true, 42);
    public static MlpStep Tiny() => new("tiny", [2, 16, 16, 1], Activation.Tanh, 100, false, 7);

    public override string Name => _name;
    public override double? Check => _firstLoss;

    /// <summary>One step in a <see cref="TensorScope"/> (README, "Training without allocation"): the activations, the
    /// loss and their gradients are released at its end and their storage serves the next step.</summary>
    public override void Step()
    {
        using TensorScope scope = Tensor.Scope();
        Tensor output = _model.Forward(_x);
        Tensor loss = _labels is not null ? Functional.CrossEntropy(output, _labels) : Functional.MSE(output, _target!);
        _sgd.ZeroGrad();
        loss.Backward();
        _sgd.Step();
        _firstLoss ??= loss.AsReadOnlySpan<float>()[0];
    }

    public override Dictionary<string, object> Export(string dir)
    {
        return new()
        {
            ["kind"] = "mlp",
            ["sizes"] = _sizes,
            ["activation"] = _activation,
            ["loss"] = _loss,
            ["lr"] = LearningRate,
            ["batch"] = _x.Shape[0],
            ["x"] = Save(dir, $"{_name}_x.bin", _xData),
            ["y"] = Save(dir, $"{_name}_y.bin", _yData),
            ["params"] = SaveParameters(dir, _name, _model, _initial),
        };
    }
}

/// <summary>ones(2,2) requires grad → +2 → square → ×3 → mean → backward (gradients accumulate, as in the twin).</summary>
public sealed class Chain2x2 : Workload
{
    readonly Tensor _x = Tensor.Ones(2, 2);
    public Chain2x2() => _x.RequiresGrad = true;
    public override string Name => "chain2x2";
    public override void Step() => ((_x + 2).Pow(2) * 3).Mean().Backward();
}

/// <summary>One step of micrograd's demo on the scalar engine (samples/Backprop.Demo): 2-16-16-1, 100 two-moons samples, hinge + L2.</summary>
public sealed class ScalarDemoStep : Workload
{
    readonly ClassificationData _data = Datasets.TwoMoons(samples: 100, noise: 0.1, seed: 1);
    readonly Scalar.ValueMLP _model = new(2, [16, 16], 1, Activation.ReLU, Activation.Identity, seed: 1337);
    readonly double[] _signs;
    readonly Value[] _scores;
    int _step;
    public ScalarDemoStep()
    {
        _signs = new double[_data.Count];
        for (int i = 0; i < _signs.Length; i++) _signs[i] = _data.Labels[i] == 1 ? 1.0 : -1.0;
        _scores = new Value[_data.Count];
    }
    public override string Name => "scalar-demo-step";
    public override void Step()
    {
        for (int i = 0; i < _scores.Length; i++) _scores[i] = _model.Predict(_data.Features[i]);
        Value loss = Scalar.ScalarLosses.Hinge(_scores, _signs) + Scalar.ScalarLosses.L2(_model.Parameters(), 1e-4);
        _model.ZeroGrad();
        loss.Backward();
        _model.Step(1.0 - 0.9 * (_step % 100) / 100);
        _step++;
    }
}
