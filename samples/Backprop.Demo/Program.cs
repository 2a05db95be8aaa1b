// Trains a 2-16-16-1 scalar MLP on two moons with hinge loss + L2 (micrograd's demo) and prints the
// loss falling. Every number is a Backprop.Value: this is the neuron-level engine at work.
using System.Diagnostics;
using Backprop;
using Backprop.Data;
using Backprop.Scalar;

var data = Datasets.TwoMoons(samples: 100, noise: 0.1, seed: 1);
var model = new ValueMLP(2, [16, 16], 1, Activation.ReLU, Activation.Identity, seed: 1337);
Console.WriteLine($"{model}, two moons with {data.Count} samples");

double[] signs = data.Labels.Select(y => y == 1 ? 1.0 : -1.0).ToArray();
var clock = Stopwatch.StartNew();
const int steps = 100;
double accuracy = 0;
for (int step = 0; step < steps; step++)
{
    // Forward: scores for every sample, hinge loss plus an L2 penalty.
    var scores = data.Features.Select(x => model.Predict(x)).ToArray();
    Value loss = ScalarLosses.Hinge(scores, signs) + ScalarLosses.L2(model.Parameters(), 1e-4);
    accuracy = scores.Zip(signs).Count(p => p.First.Data > 0 == p.Second > 0) / (double)data.Count;

    // Backward, then a gradient-descent step with a decaying learning rate.
    model.ZeroGrad();
    loss.Backward();
    model.Step(1.0 - 0.9 * step / steps);

    if (step % 10 == 0 || step == steps - 1)
        Console.WriteLine($"step {step,3}  loss {loss.Data:F4}  accuracy {accuracy:P0}");
}
Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F2} s; final accuracy {accuracy:P0}");
return accuracy >= 0.95 ? 0 : 1;
