using System.Text.Json.Nodes;

namespace Backprop.Core.Tests.Oracle;

/// <summary>Every scalar op against PyTorch on the same inputs: values and gradients to 1e-12.</summary>
public class ValueTorchParityTests
{
    private static readonly (string Op, Func<Value[], Value> Ours, double[][] Points, JsonObject? Args)[] Cases =
    [
        ("add", v => v[0] + v[1], [[0.5, -2.0], [3.0, 4.5]], null),
        ("sub", v => v[0] - v[1], [[0.5, -2.0], [3.0, 4.5]], null),
        ("mul", v => v[0] * v[1], [[0.5, -2.0], [3.0, 4.5]], null),
        ("div", v => v[0] / v[1], [[0.5, -2.0], [3.0, 4.5]], null),
        ("neg", v => -v[0], [[0.7], [-1.2]], null),
        ("pow", v => v[0].Pow(3), [[0.7], [-1.2]], new JsonObject { ["exponent"] = 3.0 }),
        ("pow", v => v[0].Pow(-0.5), [[0.7], [2.5]], new JsonObject { ["exponent"] = -0.5 }),
        ("pow_tensor", v => v[0].Pow(v[1]), [[0.7, 1.3], [2.5, -0.4]], null),
        ("exp", v => v[0].Exp(), [[0.7], [-1.2]], null),
        ("log", v => v[0].Log(), [[0.7], [12.0]], null),
        ("sqrt", v => v[0].Sqrt(), [[0.7], [12.0]], null),
        ("abs", v => v[0].Abs(), [[0.7], [-1.2], [0.0]], null),
        ("sin", v => v[0].Sin(), [[0.7], [-1.2]], null),
        ("cos", v => v[0].Cos(), [[0.7], [-1.2]], null),
        ("tanh", v => v[0].Tanh(), [[0.7], [-1.2], [25.0]], null),
        ("sigmoid", v => v[0].Sigmoid(), [[0.7], [-1.2], [-40.0], [40.0]], null),
        ("relu", v => v[0].Relu(), [[0.7], [-1.2], [0.0]], null),
        ("leaky_relu", v => v[0].LeakyRelu(0.1), [[0.7], [-1.2], [0.0]], new JsonObject { ["slope"] = 0.1 }),
    ];

    [SkippableFact]
    public void Every_scalar_op_matches_PyTorch_in_value_and_gradient()
    {
        var requests = new List<JsonObject>();
        var expectations = new List<(string Name, Value Output, Value[] Inputs)>();
        foreach (var (op, ours, points, args) in Cases)
            foreach (double[] point in points)
            {
                Value[] inputs = point.Select((x, i) => new Value(x, $"x{i}")).ToArray();
                Value output = ours(inputs);
                output.Backward();
                expectations.Add(($"{op}({string.Join(", ", point)})", output, inputs));
                requests.Add(new JsonObject
                {
                    ["kind"] = "op",
                    ["op"] = op,
                    ["inputs"] = new JsonArray(point.Select(x => (JsonNode)TorchOracle.Spec([], [x])).ToArray()),
                    ["args"] = args?.DeepClone() ?? new JsonObject(),
                });
            }

        JsonArray results = TorchOracle.Run("float64", requests);
        for (int c = 0; c < expectations.Count; c++)
        {
            var (name, output, inputs) = expectations[c];
            TorchOracle.AssertClose(TorchOracle.Read(results[c]!["output"]!).Data, [output.Data], 1e-12, 1e-15, name);
            JsonArray grads = results[c]!["grads"]!.AsArray();
            for (int i = 0; i < inputs.Length; i++)
                TorchOracle.AssertClose(TorchOracle.Read(grads[i]!).Data, [inputs[i].Grad], 1e-12, 1e-15, $"{name} ∂/∂x{i}");
        }
    }
}
