// Prints "<name> <sha256>" for every result of a fixed set of computations: forward values and gradients of
// every op family on sizes with odd tails and across blocking and splitting boundaries, optimizer updates and
// short training runs. Run under different DOTNET_EnableAVX512 / EnableAVX2 / EnableHWIntrinsic /
// PROCESSOR_COUNT settings, every line but the first ("isa …") must be the same (docs/reproducibility.md).
// Usage: Backprop.Determinism.Probe [ops|train|all] [filter]
using System.Security.Cryptography;
using Backprop;
using Backprop.Data;
using Backprop.Core.Tests.Ops;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Training;

string mode = args.Length > 0 ? args[0] : "all";
string? filter = args.Length > 1 ? args[1] : null;
// First line: what this process runs on, so that callers can check that a setting took effect.
Console.WriteLine($"isa avx512={System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated},avx2={System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}," +
    $"vector128={System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated},cores={Environment.ProcessorCount}");
var probe = new Probe(filter);
if (mode is "ops" or "all")
    foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        probe.Ops(dtype);
if (mode is "train" or "all")
    probe.Training();
return 0;

internal sealed class Probe(string? filter)
{
    private static readonly int[] Lengths = [1, 7, 15, 16, 17, 31, 33, 100, 1000, 1025, 4099, 131071, 140001];

    private static readonly (int M, int N, int K)[] MatMulShapes =
    [
        (1, 1, 1), (3, 5, 7), (4, 1, 16), (7, 3, 33), (9, 7, 100), (5, 10, 128), (64, 10, 128), (100, 16, 2),
        (13, 17, 19), (33, 65, 129), (64, 64, 64), (80, 80, 80), (81, 81, 81), (6, 16, 300), (8, 32, 513),
        (100, 100, 100), (128, 128, 257), (145, 130, 197), (64, 256, 784), (256, 10, 128), (37, 2049, 65),
        (200, 300, 520), (1, 300, 1000), (300, 1, 1000),
    ];

    public void Ops(DType dtype)
    {
        string t = dtype == DType.Float32 ? "f32" : "f64";
        foreach (int n in Lengths)
        {
            int seed = n;
            foreach (OpRow row in OpTable.Rows) TableRow($"{t}/{row.Name}/{n}", row, dtype, n, seed);
            Unary($"{t}/arith/{n}", dtype, n, seed, x => (x * 3.0 + 1.0) / (x.Abs() + 2.0) - x * x, scale: 3);
            Unary($"{t}/sum/{n}", dtype, n, seed, x => x.Sum(), scale: 3);
            Unary($"{t}/mean/{n}", dtype, n, seed, x => x.Mean(), scale: 3);
            Unary($"{t}/max/{n}", dtype, n, seed, x => x.Max(), scale: 3);
            Unary($"{t}/softmax/{n}", dtype, n, seed, x => x.Reshape(1, n).Softmax(), scale: 5);
            Unary($"{t}/logsoftmax/{n}", dtype, n, seed, x => x.Reshape(1, n).LogSoftmax(), scale: 5);
            Unary($"{t}/mse/{n}", dtype, n, seed, x => Functional.MSE(x, Tensor.Randn([n], seed + 1, dtype)), scale: 1);
            Unary($"{t}/bce/{n}", dtype, n, seed, x => Functional.BinaryCrossEntropyWithLogits(x, Tensor.Rand([n], seed + 2, dtype)), scale: 3);
            Destinations($"{t}/into/{n}", dtype, n, seed);
        }
        foreach (var (rows, cols) in new[] { (1, 1), (3, 7), (7, 3), (16, 17), (37, 10), (64, 1000), (300, 513), (1000, 131) })
        {
            int seed = rows * 1000 + cols;
            Binary($"{t}/broadcast-row/{rows}x{cols}", dtype, [rows, cols], [cols], seed, (a, b) => a * b + b);
            Binary($"{t}/broadcast-col/{rows}x{cols}", dtype, [rows, cols], [rows, 1], seed, (a, b) => a / (b.Abs() + 1.0) - b);
            Unary2($"{t}/sum-axis0/{rows}x{cols}", dtype, [rows, cols], seed, x => x.Sum(0));
            Unary2($"{t}/sum-axis1/{rows}x{cols}", dtype, [rows, cols], seed, x => x.Sum(1));
            Unary2($"{t}/mean-axis0/{rows}x{cols}", dtype, [rows, cols], seed, x => x.Mean(0));
            Unary2($"{t}/max-axis1/{rows}x{cols}", dtype, [rows, cols], seed, x => x.Max(1));
            Unary2($"{t}/softmax-axis1/{rows}x{cols}", dtype, [rows, cols], seed, x => x.Softmax(1));
            Unary2($"{t}/softmax-axis0/{rows}x{cols}", dtype, [rows, cols], seed, x => x.Softmax(0));
            Unary2($"{t}/logsoftmax-axis1/{rows}x{cols}", dtype, [rows, cols], seed, x => x.LogSoftmax(1));
            Unary2($"{t}/logsoftmax-axis0/{rows}x{cols}", dtype, [rows, cols], seed, x => x.LogSoftmax(0));
            var rng = new Rng(seed);
            int[] labels = Enumerable.Range(0, rows).Select(_ => rng.NextInt(cols)).ToArray();
            Unary2($"{t}/cross-entropy/{rows}x{cols}", dtype, [rows, cols], seed, x => Functional.CrossEntropy(x, labels));
        }
        foreach (var (m, n, k) in MatMulShapes)
        {
            int seed = m * 7919 + n * 31 + k;
            Binary($"{t}/matmul/{m}x{n}x{k}", dtype, [m, k], [k, n], seed, (a, b) => a.MatMul(b));
            Binary($"{t}/matmul-transposed/{m}x{n}x{k}", dtype, [k, m], [n, k], seed, (a, b) => a.T.MatMul(b.T));
            foreach (Activation act in new[] { Activation.Identity, Activation.ReLU, Activation.Tanh, Activation.Sigmoid })
            {
                Tensor x = Tensor.Randn([m, k], seed, dtype), w = Tensor.Randn([n, k], seed + 1, dtype), b = Tensor.Randn([n], seed + 2, dtype);
                w.RequiresGrad = true; b.RequiresGrad = true; x.RequiresGrad = true;
                Backward($"{t}/linear-{act}/{m}x{n}x{k}", Functional.Linear(x, w, b, act), x, w, b);
            }
        }
        foreach (string name in new[] { "sgd", "sgd-momentum", "sgd-nesterov-wd", "adam", "adam-wd-amsgrad", "adamw" })
            foreach (int n in new[] { 1, 17, 1000, 4099, 140001 })
                OptimizerRun($"{t}/{name}/{n}", dtype, name, n);
        TrainerRun($"{t}/trainer", dtype);
    }

    /// <summary>Final weights and losses of a float32 (and float64) Adam training of the 784-256-128-10 MLP on random data.</summary>
    public void Training()
    {
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            string name = $"train/{(dtype == DType.Float32 ? "f32" : "f64")}/mlp-784-256-128-10-adam";
            if (!Wanted(name)) continue;
            var model = MLP.Create(784, [256, 128], 10, seed: 11, dtype: dtype);
            var optimizer = new Adam(model.Parameters(), learningRate: 1e-3);
            var rng = new Rng(5);
            var losses = new List<double>();
            for (int step = 0; step < 8; step++)
            {
                Tensor x = Tensor.Randn([64, 784], rng, dtype);
                int[] labels = Enumerable.Range(0, 64).Select(_ => rng.NextInt(10)).ToArray();
                optimizer.ZeroGrad();
                Tensor loss = Functional.CrossEntropy(model.Forward(x), labels);
                loss.Backward();
                optimizer.Step();
                losses.Add(loss.ToArray()[0]);
            }
            Print(name, model.Parameters().Select(p => p.ToArray()).Append(losses.ToArray()));
        }
    }

    private bool Wanted(string name) => filter is null || name.Contains(filter, StringComparison.Ordinal);

    private void Unary(string name, DType dtype, int n, int seed, Func<Tensor, Tensor> f, double scale) =>
        Unary2(name, dtype, [n], seed, x => f(x * scale));

    private void Unary2(string name, DType dtype, int[] shape, int seed, Func<Tensor, Tensor> f)
    {
        if (!Wanted(name)) return;
        Tensor x = Tensor.Randn(shape, seed, dtype);
        x.RequiresGrad = true;
        Backward(name, f(x), x);
    }

    private void Binary(string name, DType dtype, int[] shapeA, int[] shapeB, int seed, Func<Tensor, Tensor, Tensor> f)
    {
        if (!Wanted(name)) return;
        Tensor a = Tensor.Randn(shapeA, seed, dtype), b = Tensor.Randn(shapeB, seed + 1, dtype);
        a.RequiresGrad = true; b.RequiresGrad = true;
        Backward(name, f(a, b), a, b);
    }

    /// <summary>An op-table row: a one-input op on <paramref name="n"/> elements of its domain, an op of more inputs
    /// (broadcasting) at its table shapes, once.</summary>
    private void TableRow(string name, OpRow row, DType dtype, int n, int seed)
    {
        if (!Wanted(name) || (row.Inputs.Length > 1 && n != Lengths[^1])) return;
        var inputs = new Tensor[row.Inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            OpInput input = row.Inputs[i];
            inputs[i] = row.Inputs.Length == 1
                ? Tensor.FromArray(OpTable.Values(input, seed, n), [n], dtype)
                : Tensor.FromArray(OpTable.Values(input, seed + 10 * i), input.Shape, dtype);
            inputs[i].RequiresGrad = true;
        }
        Backward(name, row.Ours(inputs), inputs);
    }

    /// <summary>Prints the result's hash, then backpropagates a random upstream gradient and prints the inputs' gradients' hash.</summary>
    private void Backward(string name, Tensor y, params Tensor[] inputs)
    {
        if (!Wanted(name)) return;
        Print(name + "/forward", [y.ToArray()]);
        Tensor upstream = Tensor.Randn(y.Shape.ToArray(), 99, y.DType);
        y.Backward(upstream);
        Print(name + "/backward", inputs.Select(i => i.Grad!.ToArray()));
    }

    /// <summary>The destination overloads (PyTorch's out=), in place, without autograd.</summary>
    private void Destinations(string name, DType dtype, int n, int seed)
    {
        if (!Wanted(name)) return;
        Tensor a = Tensor.Randn([n], seed, dtype) * 3.0, b = Tensor.Randn([n], seed + 1, dtype), d = Tensor.Zeros([n], dtype);
        var results = new List<double[]>();
        using (new NoGrad())
        {
            foreach (Func<Tensor> f in new Func<Tensor>[]
            {
                () => Tensor.Add(a, b, d), () => Tensor.Subtract(a, b, d), () => Tensor.Multiply(a, b, d), () => Tensor.Divide(a, b, d),
                () => Tensor.Exp(a, d), () => Tensor.Tanh(a, d), () => Tensor.Sigmoid(a, d), () => Tensor.Relu(a, d),
                () => Tensor.Sqrt(a.Abs(), d), () => Tensor.Log(a.Abs(), d), () => Tensor.Exp(d, d),
            })
                results.Add(f().ToArray());
        }
        Print(name, results);
    }

    private void OptimizerRun(string name, DType dtype, string kind, int n)
    {
        if (!Wanted(name)) return;
        Tensor p = Tensor.Randn([n], n, dtype), q = Tensor.Randn([3, 5], n + 1, dtype);
        p.RequiresGrad = true; q.RequiresGrad = true;
        Optimizer opt = kind switch
        {
            "sgd" => new SGD([p, q], 0.1),
            "sgd-momentum" => new SGD([p, q], 0.05, momentum: 0.9, dampening: 0.1),
            "sgd-nesterov-wd" => new SGD([p, q], 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01),
            "adam" => new Adam([p, q], 0.01),
            "adam-wd-amsgrad" => new Adam([p, q], 0.01, weightDecay: 0.01, amsgrad: true),
            _ => new AdamW([p, q], 0.01),
        };
        for (int step = 0; step < 3; step++)
        {
            opt.ZeroGrad();
            Tensor loss = (p * p).Tanh().Sum() + (q * q * q).Mean();
            loss.Backward();
            opt.Step();
        }
        Print(name, [p.ToArray(), q.ToArray()]);
    }

    private void TrainerRun(string name, DType dtype)
    {
        if (!Wanted(name)) return;
        var rng = new Rng(3);
        Tensor features = Tensor.Randn([300, 20], rng, dtype);
        int[] labels = Enumerable.Range(0, 300).Select(_ => rng.NextInt(4)).ToArray();
        var data = new TensorDataset(features, labels);
        var model = MLP.Create(20, [33, 17], 4, Activation.Tanh, seed: 4, dtype: dtype);
        var trainer = new Trainer(model, new CrossEntropyLoss(), new AdamW(model.Parameters(), 0.01)) { BatchSize = 37, Seed = 9 };
        TrainingHistory history = trainer.Fit(data, 3, validation: data);
        var (loss, metric) = trainer.Evaluate(data);
        Print(name, model.Parameters().Select(p => p.ToArray())
            .Append(history.Steps.Select(s => s.Loss).ToArray())
            .Append(history.Epochs.Select(e => e.ValidationLoss ?? double.NaN).ToArray())
            .Append([loss, metric]));
    }

    private static void Print(string name, IEnumerable<double[]> arrays)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (double[] a in arrays)
        {
            sha.AppendData(BitConverter.GetBytes(a.Length));
            foreach (double v in a) sha.AppendData(BitConverter.GetBytes(BitConverter.DoubleToInt64Bits(v)));
        }
        Console.WriteLine($"{name} {Convert.ToHexString(sha.GetHashAndReset())[..16]}");
    }
}
