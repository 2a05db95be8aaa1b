using Backprop.Core.Tests.Ops;
using Backprop.NN;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Backprop.Core.Tests.Oracle;

/// <summary>
/// Every tensor op against PyTorch: the same seeded random inputs (and, for non-scalar outputs, the same
/// random seed gradient) go through our engine and through torch_oracle.py, in one oracle call per dtype.
/// Forward values and the gradient of every input must agree: float64 to 1e-10 relative (1e-12 absolute),
/// float32 to 1e-4 relative (1e-5 absolute). All mismatches are collected and reported together.
/// </summary>
public class TensorTorchParityTests
{
    private sealed record Case(string Op, OpInput[] Inputs, Func<Tensor[], Tensor> Ours, JsonObject? Args, string Form)
    {
        public override string ToString()
        {
            string shapes = string.Join(", ", Inputs.Select(i => "[" + string.Join(",", i.Shape) + "]"));
            string args = Args is null ? "" : " " + Args.ToJsonString();
            return $"{Op}({shapes}){args}{(Form.Length > 0 ? " as " + Form : "")}";
        }
    }

    private static OpInput In(params int[] shape) => new(shape, Domain.Any);
    private static OpInput Pos(params int[] shape) => new(shape, Domain.Positive);
    private static OpInput NonZero(params int[] shape) => new(shape, Domain.NonZero);
    private static OpInput Zeros(params int[] shape) => new(shape, Domain.WithZeros);
    private static OpInput Huge(params int[] shape) => new(shape, Domain.Huge);
    private static OpInput Ties(params int[] shape) => new(shape, Domain.Ties);

    private static Case C(string op, OpInput[] inputs, Func<Tensor[], Tensor> ours, JsonObject? args = null, string form = "") =>
        new(op, inputs, ours, args, form);

    private static JsonObject Axis(int axis, bool? keepDim = null)
    {
        var o = new JsonObject { ["axis"] = axis };
        if (keepDim is bool k) o["keepDim"] = k;
        return o;
    }

    private static JsonObject Scalar(double c) => new() { ["scalar"] = c };

    private static IEnumerable<Case> Cases()
    {
        // ---- tensor ∘ tensor with broadcasting ----------------------------------------------------
        OpInput[][] broadcastPairs =
        [
            [In(3, 4), In(3, 4)], [In(3, 1), In(1, 4)], [In(2, 3), In(3)], [In(4, 1, 3), In(2, 3)],
            [In(2, 1, 4), In(3, 1)], [In(2, 3), In()], [In(), In(2, 3)], [In(1), In(2, 3)], [In(3, 4), In(1, 1)],
        ];
        foreach (OpInput[] pair in broadcastPairs)
        {
            yield return C("add", pair, t => t[0] + t[1]);
            yield return C("sub", pair, t => t[0] - t[1]);
            yield return C("mul", pair, t => t[0] * t[1]);
            yield return C("div", [pair[0], NonZero(pair[1].Shape)], t => t[0] / t[1]);
        }
        yield return C("add", [In(3, 4), In(3, 4)], t => Tensor.Add(t[0], t[1]), form: "Tensor.Add");
        yield return C("mul", [In(2, 3), In(3)], t => Tensor.Multiply(t[0], t[1]), form: "Tensor.Multiply");

        // ---- tensor ∘ scalar and scalar ∘ tensor --------------------------------------------------
        yield return C("add_scalar", [In(3, 4)], t => 0.75 + t[0], Scalar(0.75), "c + x");
        yield return C("mul_scalar", [In(3, 4)], t => t[0] * -2.5, Scalar(-2.5));
        yield return C("div_scalar", [In(3, 4)], t => t[0] / 3.0, Scalar(3.0));
        yield return C("add_scalar", [In()], t => t[0] + 0.5, Scalar(0.5));

        // ---- the op table, each row as a PyTorch expression ----------------------------------------
        foreach (OpRow row in OpTable.Rows)
            yield return C("expr", row.Inputs, row.Ours, new JsonObject { ["expr"] = row.Torch }, row.Name);

        // ---- unary functions at their kinks, and the static forms ---------------------------------
        yield return C("abs", [Zeros(3, 5)], t => Tensor.Abs(t[0]), form: "Tensor.Abs");
        yield return C("relu", [Zeros(3, 5)], t => t[0].Relu());
        yield return C("leaky_relu", [Zeros(3, 5)], t => t[0].LeakyRelu(0.2), new JsonObject { ["slope"] = 0.2 });
        yield return C("exp", [In()], t => Tensor.Exp(t[0]), form: "Tensor.Exp");
        yield return C("sigmoid", [In(3, 5)], t => Tensor.Sigmoid(t[0]), form: "Tensor.Sigmoid");
        yield return C("sqrt", [Pos(3, 5)], t => Tensor.Sqrt(t[0]), form: "Tensor.Sqrt");

        // ---- powers: integer exponents on both signs, fractional on positives ---------------------
        foreach (double p in new[] { 2.0, 3.0, -1.0, -2.0, 0.0, 1.0, 4.0 })
            yield return C("pow", [NonZero(3, 4)], t => t[0].Pow(p), new JsonObject { ["exponent"] = p });
        foreach (double p in new[] { 0.5, 1.5, -0.5, 2.5, 1.0 / 3.0, -1.75 })
            yield return C("pow", [Pos(3, 4)], t => t[0].Pow(p), new JsonObject { ["exponent"] = p });
        yield return C("pow", [NonZero(3, 4)], t => Tensor.Pow(t[0], 3.0), new JsonObject { ["exponent"] = 3.0 }, "Tensor.Pow");

        // ---- softmax / log-softmax on every axis, and at ±1000 ------------------------------------
        foreach (int axis in new[] { 0, 1, -1 })
        {
            yield return C("softmax", [In(4, 5)], t => t[0].Softmax(axis), Axis(axis));
            yield return C("log_softmax", [In(4, 5)], t => t[0].LogSoftmax(axis), Axis(axis));
            yield return C("softmax", [Huge(3, 4)], t => t[0].Softmax(axis), Axis(axis));
            yield return C("log_softmax", [Huge(3, 4)], t => t[0].LogSoftmax(axis), Axis(axis));
            yield return C("softmax", [In(2, 3, 4)], t => t[0].Softmax(axis), Axis(axis));
            yield return C("log_softmax", [In(2, 3, 4)], t => t[0].LogSoftmax(axis), Axis(axis));
        }
        yield return C("softmax", [In(6)], t => Tensor.Softmax(t[0]), Axis(-1), "Tensor.Softmax");
        yield return C("log_softmax", [Huge(6)], t => Tensor.LogSoftmax(t[0]), Axis(-1), "Tensor.LogSoftmax");

        // ---- matrix products ----------------------------------------------------------------------
        yield return C("matmul", [In(7, 13), In(13, 5)], t => Tensor.MatMul(t[0], t[1]));
        yield return C("matmul", [In(1, 3), In(3, 1)], t => t[0].MatMul(t[1]));
        yield return C("matmul", [In(5, 1), In(1, 4)], t => t[0].MatMul(t[1]));
        yield return C("matmul", [In(3, 4, 6), In(6, 5)], t => t[0].MatMul(t[1]));
        yield return C("matmul", [In(2, 7, 3), In(3, 1)], t => t[0].MatMul(t[1]));
        yield return C("matmul", [In(2, 3, 4), In(2, 4, 5)], t => t[0].MatMul(t[1]));
        OpInput[][] matmulPairs =
        [
            [In(4), In(4, 3)], [In(2, 4), In(4)], [In(4), In(4)], [In(4), In(2, 4, 3)], [In(2, 3, 4), In(4)],
            [In(2, 1, 3, 4), In(5, 4, 6)], [In(3, 4), In(2, 4, 5)], [In(1, 2, 3), In(4, 3, 2)], [In(2, 2, 2, 3), In(2, 1, 3, 2)],
            [In(3, 1, 2, 5), In(1, 4, 5, 3)],
        ];
        foreach (OpInput[] pair in matmulPairs) yield return C("matmul", pair, t => Tensor.MatMul(t[0], t[1]));

        // ---- shape ops ----------------------------------------------------------------------------
        yield return C("transpose", [In(3, 5)], t => t[0].Transpose());
        yield return C("transpose", [In(1, 4)], t => t[0].T, form: "T");
        foreach (int[] shape in new[] { new[] { 4, 6 }, [-1, 2], [24], [3, -1, 2], [2, 3, 4] })
            yield return C("reshape", [In(2, 3, 4)], t => t[0].Reshape(shape),
                new JsonObject { ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()) });
        yield return C("slice", [In(5, 3)], t => t[0].Slice(1, 3), new JsonObject { ["start"] = 1, ["length"] = 3 });
        yield return C("slice", [In(5, 3)], t => t[0].Slice(0, 5), new JsonObject { ["start"] = 0, ["length"] = 5 });
        yield return C("slice", [In(5, 3)], t => t[0].Slice(4, 1), new JsonObject { ["start"] = 4, ["length"] = 1 });
        yield return C("slice", [In(4, 2, 3)], t => t[0].Slice(2, 2), new JsonObject { ["start"] = 2, ["length"] = 2 });
        foreach ((int[] shape, int[] rows) in new[] { (new[] { 5, 3 }, new[] { 4, 0, 4, 2, 4, 1 }), ([3, 2, 2], [1, 1, 0]), ([4], [3, 3, 3]) })
            yield return C("index_select", [In(shape)], t => t[0].IndexSelect(rows),
                new JsonObject { ["indices"] = new JsonArray(rows.Select(r => (JsonNode)r).ToArray()) });
        yield return C("concat", [In(2, 3), In(4, 3), In(1, 3)], t => Tensor.Concat(t, 0), Axis(0));
        yield return C("concat", [In(3, 2), In(3, 4)], t => Tensor.Concat(t, 1), Axis(1));
        yield return C("concat", [In(2, 2, 3), In(2, 2, 1)], t => Tensor.Concat(t, -1), Axis(-1));
        yield return C("concat", [In(2, 1, 3), In(2, 3, 3)], t => Tensor.Concat(t, 1), Axis(1));
        yield return C("concat", [In(2, 3)], t => Tensor.Concat(t, 0), Axis(0));

        // ---- normalisation layers (training-mode batch statistics, layer statistics) ---------------
        yield return C("batch_norm_train", [In(6, 3), In(3), In(3)], t => Backprop.NN.Functional.BatchNorm(t[0], null, null, t[1], t[2], training: true));
        yield return C("batch_norm_train", [Huge(4, 5), In(5), In(5)], t => Backprop.NN.Functional.BatchNorm(t[0], null, null, t[1], t[2], training: true));
        yield return C("layer_norm", [In(4, 5), In(5), In(5)], t => Backprop.NN.Functional.LayerNorm(t[0], t[1], t[2]));
        yield return C("layer_norm", [In(2, 3, 4), In(4), In(4)], t => Backprop.NN.Functional.LayerNorm(t[0], t[1], t[2]));

        // ---- squeeze, unsqueeze, select, stack, gather, where, clamp ------------------------------
        yield return C("squeeze", [In(2, 1, 3, 1)], t => t[0].Squeeze(), new JsonObject());
        foreach (int axis in new[] { 1, -1, 0 })
            yield return C("squeeze", [In(2, 1, 3, 1)], t => t[0].Squeeze(axis), Axis(axis));
        foreach (int axis in new[] { 0, 1, 2, -1, -3 })
            yield return C("unsqueeze", [In(2, 3)], t => t[0].Unsqueeze(axis), Axis(axis));
        foreach ((int axis, int index) in new[] { (0, 1), (1, -1), (-1, 2), (2, 0) })
            yield return C("select", [In(2, 4, 3)], t => t[0].Select(axis, index), new JsonObject { ["axis"] = axis, ["index"] = index });
        yield return C("select", [In(5)], t => t[0].Select(0, 3), new JsonObject { ["axis"] = 0, ["index"] = 3 });
        foreach (int axis in new[] { 0, 1, 2, -1 })
            yield return C("stack", [In(2, 3), In(2, 3), In(2, 3)], t => Tensor.Stack(t, axis), Axis(axis));
        foreach ((int[] shape, int axis, int[] index, int[] indexShape) in new[]
        {
            (new[] { 3, 4 }, 1, new[] { 0, 3, 3, 1, 2, 2 }, new[] { 3, 2 }),
            (new[] { 3, 4 }, 0, new[] { 2, 0, 1, 1, 1, 0, 2, 2 }, new[] { 2, 4 }),
            (new[] { 2, 3, 4 }, -1, new[] { 3, 0, 1, 2, 2, 2 }, new[] { 2, 3, 1 }),
            (new[] { 2, 3, 4 }, 1, new[] { 2, 2, 0, 1, 1, 0 }, new[] { 2, 1, 3 }),
            (new[] { 5 }, 0, new[] { 4, 4, 0 }, new[] { 3 }),
        })
            yield return C("gather", [In(shape)], t => t[0].Gather(axis, index, indexShape), new JsonObject
            {
                ["axis"] = axis,
                ["index"] = new JsonArray(index.Select(i => (JsonNode)i).ToArray()),
                ["indexShape"] = new JsonArray(indexShape.Select(i => (JsonNode)i).ToArray()),
            });
        foreach ((int[] c, OpInput[] pair) in new[]
        {
            (new[] { 3, 4 }, new[] { In(3, 4), In(3, 4) }), (new[] { 3, 1 }, [In(1, 4), In(3, 4)]),
            (new[] { 4 }, [In(3, 4), In()]), (new[] { 2, 1, 4 }, [In(3, 1), In(4)]),
        })
        {
            double[] condition = Enumerable.Range(0, Count(c)).Select(i => (double)((i * 7 + 3) % 3 == 0 ? 0 : 1)).ToArray();
            yield return C("where", pair, t => Tensor.Where(Tensor.FromArray(condition, c, t[0].DType), t[0], t[1]), new JsonObject
            {
                ["condition"] = new JsonArray(condition.Select(v => (JsonNode)v).ToArray()),
                ["conditionShape"] = new JsonArray(c.Select(d => (JsonNode)d).ToArray()),
            });
        }
        yield return C("clamp", [In(3, 5)], t => t[0].Clamp(-0.5, 1.0), new JsonObject { ["min"] = -0.5, ["max"] = 1.0 });
        yield return C("clamp", [In(3, 5)], t => t[0].Clamp(min: 0.25), new JsonObject { ["min"] = 0.25 });
        yield return C("clamp", [In(3, 5)], t => t[0].Clamp(max: -0.25), new JsonObject { ["max"] = -0.25 });
        yield return C("clamp", [Ties(3, 5)], t => t[0].Clamp(0.0, 1.0), new JsonObject { ["min"] = 0.0, ["max"] = 1.0 }); // x on a bound

        // ---- min, var, std, logsumexp -------------------------------------------------------------
        foreach (int[] shape in new[] { new[] { 3, 4 }, [2, 3, 4], [5] })
        {
            yield return C("min", [In(shape)], t => t[0].Min());
            foreach (int correction in new[] { 1, 0, 2 })
            {
                var args = new JsonObject { ["correction"] = correction };
                yield return C("var", [In(shape)], t => t[0].Var(correction: correction), args);
                yield return C("std", [In(shape)], t => t[0].Std(correction: correction), args.DeepClone().AsObject());
            }
            yield return C("logsumexp", [In(shape)], t => t[0].LogSumExp(), new JsonObject());
            yield return C("logsumexp", [Huge(shape)], t => t[0].LogSumExp(), new JsonObject());
        }
        yield return C("var", [In(3, 4)], t => t[0].Var(keepDim: true), new JsonObject { ["keepDim"] = true });
        yield return C("min", [Ties(4, 5)], t => t[0].Min(), new JsonObject());
        foreach (int axis in new[] { 0, 1, -1 })
            foreach (bool keepDim in new[] { false, true })
            {
                yield return C("min", [In(2, 3, 4)], t => t[0].Min(axis, keepDim), Axis(axis, keepDim));
                yield return C("min", [Ties(3, 4, 2)], t => t[0].Min(axis, keepDim), Axis(axis, keepDim));
                yield return C("logsumexp", [In(2, 3, 4)], t => t[0].LogSumExp(axis, keepDim), Axis(axis, keepDim));
                yield return C("logsumexp", [Huge(3, 4)], t => t[0].LogSumExp(axis, keepDim), Axis(axis, keepDim));
                foreach (int correction in new[] { 1, 0 })
                {
                    JsonObject args = Axis(axis, keepDim);
                    args["correction"] = correction;
                    yield return C("var", [In(2, 3, 4)], t => t[0].Var(axis, keepDim, correction), args);
                    yield return C("std", [In(2, 3, 4)], t => t[0].Std(axis, keepDim, correction), args.DeepClone().AsObject());
                }
            }

        // ---- reductions: over everything and per axis, keepDim both ways --------------------------
        foreach (int[] shape in new[] { new[] { 3, 4 }, [2, 3, 4], [5] })
        {
            yield return C("sum", [In(shape)], t => t[0].Sum());
            yield return C("mean", [In(shape)], t => t[0].Mean());
            yield return C("max", [In(shape)], t => t[0].Max());
        }
        yield return C("sum", [In(3, 4)], t => Tensor.Sum(t[0]), form: "Tensor.Sum");
        yield return C("mean", [In(3, 4)], t => Tensor.Mean(t[0]), form: "Tensor.Mean");
        foreach (int[] shape in new[] { new[] { 3, 4 }, [2, 3, 4] })
            foreach (int axis in new[] { 0, 1, -1 })
                foreach (bool keepDim in new[] { false, true })
                {
                    yield return C("sum", [In(shape)], t => t[0].Sum(axis, keepDim), Axis(axis, keepDim));
                    yield return C("mean", [In(shape)], t => t[0].Mean(axis, keepDim), Axis(axis, keepDim));
                    yield return C("max", [In(shape)], t => t[0].Max(axis, keepDim), Axis(axis, keepDim));
                }

        // Max with ties: along an axis both engines send the gradient to the first arg-max; over all
        // elements both split it evenly among the maxima.
        yield return C("max", [Ties(4, 5)], t => t[0].Max(), new JsonObject());
        foreach (int axis in new[] { 0, 1, -1 })
        {
            yield return C("max", [Ties(4, 5)], t => t[0].Max(axis), Axis(axis));
            yield return C("max", [Ties(3, 4, 2)], t => t[0].Max(axis, keepDim: true), Axis(axis, true));
        }
    }

    /// <summary>The losses with PyTorch's reductions (a separate table, appended to <see cref="Cases"/>).</summary>
    private static IEnumerable<Case> LossCases()
    {
        int[] labels = [2, 0, 3, 3, 1];
        JsonArray Labels() => new(labels.Select(l => (JsonNode)l).ToArray());
        foreach (Reduction reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            string r = reduction.ToString().ToLowerInvariant();
            foreach (double smoothing in new[] { 0.0, 0.1, 0.35 })
            {
                yield return C("cross_entropy_probs", [In(5, 4), Pos(5, 4)], t => Functional.CrossEntropy(t[0], t[1], smoothing, reduction),
                    new JsonObject { ["smoothing"] = smoothing, ["reduction"] = r });
                yield return C("cross_entropy_probs", [Huge(5, 4), Pos(5, 4)], t => Functional.CrossEntropy(t[0], t[1], smoothing, reduction),
                    new JsonObject { ["smoothing"] = smoothing, ["reduction"] = r });
                yield return C("cross_entropy_labels", [In(5, 4)], t => Functional.CrossEntropy(t[0], labels, smoothing, reduction),
                    new JsonObject { ["labels"] = Labels(), ["smoothing"] = smoothing, ["reduction"] = r });
            }
            yield return C("cross_entropy_probs", [In(5, 4), Pos(5, 4)], t => new CrossEntropyLoss(0.2, reduction).Forward(t[0], t[1]),
                new JsonObject { ["smoothing"] = 0.2, ["reduction"] = r }, "CrossEntropyLoss");
            yield return C("nll_loss", [In(5, 4)], t => Functional.NLLLoss(t[0], labels, reduction), new JsonObject { ["labels"] = Labels(), ["reduction"] = r });
            yield return C("nll_loss", [In(5, 4)], t => new NLLLoss(reduction).Forward(t[0].LogSoftmax(1), labels),
                new JsonObject { ["labels"] = Labels(), ["reduction"] = r, ["logSoftmax"] = true }, "NLLLoss of LogSoftmax");
            foreach (int[] shape in new[] { new[] { 3, 4 }, [7], [2, 3, 2] })
            {
                yield return C("l1_loss", [In(shape), In(shape)], t => Functional.L1Loss(t[0], t[1], reduction), new JsonObject { ["reduction"] = r });
                foreach (double delta in new[] { 1.0, 0.5, 2.5 })
                    yield return C("huber_loss", [In(shape), In(shape)], t => Functional.HuberLoss(t[0], t[1], delta, reduction),
                        new JsonObject { ["reduction"] = r, ["delta"] = delta });
            }
            yield return C("l1_loss", [In(3, 4), In(3, 4)], t => new L1Loss(reduction).Forward(t[0], t[1]), new JsonObject { ["reduction"] = r }, "L1Loss");
            yield return C("huber_loss", [In(3, 4), In(3, 4)], t => new HuberLoss(0.5, reduction).Forward(t[0], t[1]),
                new JsonObject { ["reduction"] = r, ["delta"] = 0.5 }, "HuberLoss");
        }
        yield return C("l1_loss", [Ties(4, 5), Ties(4, 5)], t => Functional.L1Loss(t[0], t[1]), new JsonObject()); // ŷ = y: gradient 0
    }

    private static double Draw(Rng rng, Domain domain, int i) => domain switch
    {
        Domain.Positive => rng.Uniform(0.2, 3.0),
        Domain.NonZero => (rng.NextInt(2) == 0 ? -1 : 1) * rng.Uniform(0.5, 2.0),
        Domain.WithZeros => i % 3 == 0 ? 0.0 : rng.Uniform(-2.0, 2.0),
        Domain.Huge => (rng.NextInt(2) == 0 ? -1000.0 : 1000.0) + rng.Uniform(-3.0, 3.0),
        Domain.Ties => rng.NextInt(3) - 1,
        _ => rng.Uniform(-2.0, 2.0),
    };

    private static double[] Values(Rng rng, int count, DType dtype, Func<int, double> draw)
    {
        var v = new double[count];
        for (int i = 0; i < count; i++)
        {
            double x = draw(i);
            v[i] = dtype == DType.Float32 ? (float)x : x; // both engines get exactly the same float32 inputs
        }
        return v;
    }

    private static int Count(IReadOnlyList<int> shape)
    {
        int n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }

    // FromArray with a dtype takes the shape as given, so [] makes a rank-0 tensor.
    private static Tensor Create(double[] data, int[] shape, DType dtype) => Tensor.FromArray(data, shape, dtype);

    /// <summary>What our engine produced for one case, to compare with PyTorch's answer.</summary>
    private sealed record Ours(Case Case, Tensor Output, Tensor[] Inputs);

    [SkippableTheory]
    [InlineData(DType.Float64, 1e-10, 1e-12)]
    [InlineData(DType.Float32, 1e-4, 1e-5)]
    public void Every_tensor_op_matches_PyTorch_in_value_and_gradient(DType dtype, double rtol, double atol)
    {
        TorchOracle.RequireOrSkip();
        Case[] cases = Cases().Concat(LossCases()).ToArray();
        var failures = new List<string>();
        var requests = new List<JsonObject>();
        var ours = new List<Ours>();
        for (int c = 0; c < cases.Length; c++)
        {
            Case @case = cases[c];
            var rng = new Rng(7_000 + c); // per case, so both dtypes see the same values
            var inputs = new Tensor[@case.Inputs.Length];
            var specs = new JsonArray();
            for (int i = 0; i < inputs.Length; i++)
            {
                OpInput input = @case.Inputs[i];
                double[] data = Values(rng, Count(input.Shape), dtype, k => Draw(rng, input.Domain, k));
                inputs[i] = Create(data, input.Shape, dtype);
                inputs[i].RequiresGrad = true;
                specs.Add(TorchOracle.Spec(input.Shape, data));
            }

            Tensor output;
            JsonObject? seed = null;
            try
            {
                output = @case.Ours(inputs);
                if (output.Rank == 0) output.Backward();
                else
                {
                    int[] shape = output.Shape.ToArray();
                    double[] g = Values(rng, output.ElementCount, dtype, _ => rng.Uniform(-1.0, 1.0));
                    seed = TorchOracle.Spec(shape, g, grad: false);
                    output.Backward(Create(g, shape, dtype));
                }
            }
            catch (Exception e)
            {
                failures.Add($"{@case}: our engine threw {e.GetType().Name}: {e.Message}");
                continue;
            }

            ours.Add(new Ours(@case, output, inputs));
            requests.Add(new JsonObject
            {
                ["kind"] = "op",
                ["op"] = @case.Op,
                ["inputs"] = specs,
                ["args"] = @case.Args?.DeepClone() ?? new JsonObject(),
                ["seed"] = seed,
            });
        }

        JsonArray results = TorchOracle.Run(dtype == DType.Float32 ? "float32" : "float64", requests);
        Assert.Equal(requests.Count, results.Count);
        for (int r = 0; r < ours.Count; r++)
        {
            var (@case, output, inputs) = ours[r];
            if (results[r]!["error"] is JsonNode error)
            {
                failures.Add($"{@case}: PyTorch rejected the case (our output shape [{string.Join(", ", output.Shape)}]): {error}");
                continue;
            }
            Compare(failures, $"{@case} output", results[r]!["output"]!, output, rtol, atol);
            JsonArray grads = results[r]!["grads"]!.AsArray();
            for (int i = 0; i < inputs.Length; i++)
            {
                string what = $"{@case} ∂/∂x{i}";
                if (grads[i] is null) failures.Add($"{what}: PyTorch has no gradient");
                else if (inputs[i].Grad is not Tensor grad) failures.Add($"{what}: our Grad is null");
                else Compare(failures, what, grads[i]!, grad, rtol, atol);
            }
        }

        Assert.True(failures.Count == 0,
            $"{dtype}: {failures.Count} disagreement(s) with PyTorch over {cases.Length} cases:\n" + string.Join("\n", failures));
        Assert.True(ours.Count > 150, $"only {ours.Count} cases compared");
    }

    /// <summary>Adds a line to <paramref name="failures"/> if the shapes differ or any element is not within atol + rtol·|expected|.</summary>
    private static void Compare(List<string> failures, string what, JsonNode expectedNode, Tensor actual, double rtol, double atol)
    {
        var (shape, expected) = TorchOracle.Read(expectedNode);
        if (!shape.SequenceEqual(actual.Shape))
        {
            failures.Add($"{what}: our shape [{string.Join(", ", actual.Shape)}], PyTorch [{string.Join(", ", shape)}]");
            return;
        }
        double[] a = actual.ToArray();
        var bad = new StringBuilder();
        int count = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i];
            bool ok = double.IsNaN(e) ? double.IsNaN(a[i]) : Math.Abs(a[i] - e) <= atol + rtol * Math.Abs(e);
            if (ok) continue;
            if (count++ < 3) bad.Append(CultureInfo.InvariantCulture, $" [{i}] ours {a[i]:R} vs {e:R};");
        }
        if (count > 0) failures.Add($"{what}: {count}/{expected.Length} elements differ:{bad}");
    }
}
