using System.Text.Json.Nodes;
using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Core.Tests.Oracle;

/// <summary>
/// A 3-layer MLP trained for a few steps in our engine and in PyTorch from the same initial weights and data,
/// for every loss × optimizer configuration: per-step losses, first-step gradients and final parameters must
/// agree (float64 to 1e-10 relative, float32 to 1e-4).
/// </summary>
public class MlpTorchParityTests
{
    private const int Samples = 8, Inputs = 3, Classes = 3, Steps = 6;
    private static readonly int[] Widths = [Inputs, 5, 4, Classes];
    private static readonly string[] LossNames = ["mse", "mse_half", "bce_logits", "cross_entropy"];
    private static readonly string[] ActivationNames = ["relu", "tanh", "sigmoid"];

    private static readonly JsonObject[] OptimizerSpecs =
    [
        new() { ["name"] = "sgd", ["lr"] = 0.1 },
        new() { ["name"] = "sgd", ["lr"] = 0.05, ["momentum"] = 0.8 },
        new() { ["name"] = "sgd", ["lr"] = 0.05, ["momentum"] = 0.9, ["nesterov"] = true, ["weightDecay"] = 0.01 },
        new() { ["name"] = "adam", ["lr"] = 0.01, ["beta1"] = 0.8, ["beta2"] = 0.99, ["eps"] = 1e-7, ["weightDecay"] = 0.02 },
        new() { ["name"] = "adamw", ["lr"] = 0.01, ["beta1"] = 0.9, ["beta2"] = 0.999, ["eps"] = 1e-8, ["weightDecay"] = 0.05 },
    ];

    private sealed record Case(string Loss, JsonObject Optimizer, string Activation, bool Fused, double[][] Weights, double[][] Biases,
        double[] X, double[] Y, int[] Labels)
    {
        public string Name => $"{Loss} × {Optimizer.ToJsonString()} × {Activation}{(Fused ? " (fused)" : "")}";
    }

    private static List<Case> Cases()
    {
        var cases = new List<Case>();
        int index = 0;
        foreach (string loss in LossNames)
            foreach (JsonObject opt in OptimizerSpecs)
            {
                int seed = 100 + index;
                var weights = new double[3][];
                var biases = new double[3][];
                var rng = new Rng(seed);
                for (int l = 0; l < 3; l++)
                {
                    var layer = new Linear(Widths[l], Widths[l + 1], rng, dtype: DType.Float64);
                    weights[l] = layer.Weight.ToArray();
                    biases[l] = layer.Bias!.ToArray();
                }
                double[] x = Tensor.Randn([Samples, Inputs], seed + 1000, DType.Float64).ToArray();
                double[] y = loss == "bce_logits"
                    ? Tensor.Rand([Samples, Classes], seed + 2000, DType.Float64).ToArray()
                    : Tensor.Randn([Samples, Classes], seed + 2000, DType.Float64).ToArray();
                var labelRng = new Rng(seed + 3000);
                int[] labels = Enumerable.Range(0, Samples).Select(_ => labelRng.NextInt(Classes)).ToArray();
                cases.Add(new Case(loss, opt, ActivationNames[index % 3], index % 2 == 1, weights, biases, x, y, labels));
                index++;
            }
        return cases;
    }

    private static JsonObject Request(Case c)
    {
        var layers = new JsonArray();
        for (int l = 0; l < 3; l++)
            layers.Add(new JsonObject
            {
                ["weight"] = TorchOracle.Spec([Widths[l + 1], Widths[l]], c.Weights[l]),
                ["bias"] = TorchOracle.Spec([Widths[l + 1]], c.Biases[l]),
            });
        var request = new JsonObject
        {
            ["kind"] = "train",
            ["layers"] = layers,
            ["activation"] = c.Activation,
            ["loss"] = c.Loss,
            ["optimizer"] = c.Optimizer.DeepClone(),
            ["x"] = TorchOracle.Spec([Samples, Inputs], c.X, grad: false),
            ["steps"] = Steps,
        };
        if (c.Loss == "cross_entropy") request["labels"] = new JsonArray(c.Labels.Select(v => (JsonNode)v).ToArray());
        else request["y"] = TorchOracle.Spec([Samples, Classes], c.Y, grad: false);
        return request;
    }

    private static Optimizer MakeOptimizer(JsonObject spec, IReadOnlyList<Tensor> parameters)
    {
        double Get(string key, double fallback) => spec[key]?.GetValue<double>() ?? fallback;
        return spec["name"]!.GetValue<string>() switch
        {
            "sgd" => new SGD(parameters, Get("lr", 0), Get("momentum", 0), spec["nesterov"]?.GetValue<bool>() ?? false, Get("weightDecay", 0)),
            "adam" => new Adam(parameters, Get("lr", 1e-3), Get("beta1", 0.9), Get("beta2", 0.999), Get("eps", 1e-8), Get("weightDecay", 0)),
            "adamw" => new AdamW(parameters, Get("lr", 1e-3), Get("beta1", 0.9), Get("beta2", 0.999), Get("eps", 1e-8), Get("weightDecay", 0.01)),
            var name => throw new ArgumentException(name),
        };
    }

    private static Loss MakeLoss(string name) => name switch
    {
        "mse" => new MSELoss(),
        "mse_half" => new MSELoss(half: true),
        "bce_logits" => new BCEWithLogitsLoss(),
        _ => new CrossEntropyLoss(),
    };

    /// <summary>Our run: per-step losses, first gradients and final parameters (in PyTorch's order w₁, b₁, w₂, …).</summary>
    private static (double[] Losses, double[][] FirstGrads, double[][] Params) Train(Case c, DType dtype)
    {
        var act = Enum.Parse<Activation>(c.Activation switch { "relu" => "ReLU", "tanh" => "Tanh", _ => "Sigmoid" });
        var modules = new List<Module>();
        for (int l = 0; l < 3; l++)
        {
            Tensor w = Tensor.FromArray(c.Weights[l], Widths[l + 1], Widths[l]).To(dtype);
            Tensor b = Tensor.FromArray(c.Biases[l]).To(dtype);
            bool hidden = l < 2;
            modules.Add(new Linear(w, b, hidden && c.Fused ? act : Activation.Identity));
            if (hidden && !c.Fused) modules.Add(MLP.CreateActivation(act)!);
        }
        var model = new Sequential([.. modules]);
        Optimizer opt = MakeOptimizer(c.Optimizer, model.Parameters());
        Loss loss = MakeLoss(c.Loss);
        Tensor x = Tensor.FromArray(c.X, Samples, Inputs).To(dtype);
        Tensor y = Tensor.FromArray(c.Y, Samples, Classes).To(dtype);
        var losses = new double[Steps];
        double[][]? firstGrads = null;
        for (int step = 0; step < Steps; step++)
        {
            Tensor output = model.Forward(x);
            Tensor l = c.Loss == "cross_entropy" ? loss.Forward(output, c.Labels) : loss.Forward(output, y);
            opt.ZeroGrad();
            l.Backward();
            firstGrads ??= model.Parameters().Select(p => p.Grad!.ToArray()).ToArray();
            opt.Step();
            losses[step] = l.Item();
        }
        return (losses, firstGrads!, model.Parameters().Select(p => p.ToArray()).ToArray());
    }

    private static void RunParity(DType dtype, double rtol, double atol)
    {
        List<Case> cases = Cases();
        JsonArray results = TorchOracle.Run(dtype == DType.Float64 ? "float64" : "float32", cases.Select(Request));
        Assert.Equal(cases.Count, results.Count);
        for (int i = 0; i < cases.Count; i++)
        {
            Case c = cases[i];
            var (losses, firstGrads, parameters) = Train(c, dtype);
            JsonNode r = results[i]!;
            double[] torchLosses = r["losses"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            TorchOracle.AssertClose(torchLosses, losses, rtol, atol, $"{c.Name}: losses");
            JsonArray grads = r["firstGrads"]!.AsArray(), finals = r["params"]!.AsArray();
            Assert.Equal(6, grads.Count);
            for (int k = 0; k < 6; k++)
            {
                TorchOracle.AssertClose(TorchOracle.Read(grads[k]!).Data, firstGrads[k], rtol, atol, $"{c.Name}: first ∂L/∂param{k}");
                TorchOracle.AssertClose(TorchOracle.Read(finals[k]!).Data, parameters[k], rtol, atol, $"{c.Name}: final param{k}");
            }
        }
    }

    [SkippableFact]
    public void Mlp_training_matches_PyTorch_in_float64_for_every_loss_and_optimizer() => RunParity(DType.Float64, 1e-10, 1e-13);

    [SkippableFact]
    public void Mlp_training_matches_PyTorch_in_float32_for_every_loss_and_optimizer() => RunParity(DType.Float32, 1e-4, 1e-6);
}
