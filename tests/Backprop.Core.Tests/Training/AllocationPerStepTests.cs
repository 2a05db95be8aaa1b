using Backprop.Data;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Training;
using Xunit.Abstractions;

namespace Backprop.Core.Tests.Training;

/// <summary>
/// Issue 14's allocation target: after warm-up, a training step over a fixed graph shape in a <see cref="TensorScope"/>
/// (and a step of <see cref="Trainer.Fit"/>, which opens one per step) allocates at most 4 KB on the training thread.
/// Bytes are counted, not time.
/// </summary>
[Collection(nameof(HeapMeasurementCollection))]
public sealed class AllocationPerStepTests(ITestOutputHelper output)
{
    private const long MaxBytesPerStep = 4 * 1024;

    [Theory]
    [InlineData(256)]
    [InlineData(64)]
    public void A_scoped_step_of_the_mnist_mlp_allocates_at_most_4_KB(int batch)
    {
        var model = MLP.Create(784, [256, 128], 10, Activation.ReLU, seed: 42, fuseActivations: true);
        var sgd = new SGD(model.Parameters(), 0.01);
        var rng = new Rng(43);
        var x = Tensor.Rand([batch, 784], rng);
        var labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = rng.NextInt(10);

        AssertSmall($"mlp{batch}", ScopedStep(model, sgd, x, output => Functional.CrossEntropy(output, labels)));
    }

    [Fact]
    public void A_scoped_step_of_the_tiny_tanh_mlp_with_mse_allocates_at_most_4_KB()
    {
        var model = MLP.Create(2, [16, 16], 1, Activation.Tanh, seed: 7, fuseActivations: true);
        var sgd = new SGD(model.Parameters(), 0.01);
        var x = Tensor.Randn([100, 2], 8);
        var y = Tensor.Randn([100, 1], 9);

        AssertSmall("tiny", ScopedStep(model, sgd, x, output => Functional.MSE(output, y)));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(1024)]   // the batch's index and label arrays are reused: nothing grows with the batch
    public void A_step_of_Trainer_Fit_allocates_at_most_4_KB(int BatchSize)
    {
        const int Epochs = 3;
        int Samples = 10 * BatchSize;
        var rng = new Rng(5);
        var features = Tensor.Rand([Samples, 20], rng);
        var labels = new int[Samples];
        for (int i = 0; i < Samples; i++) labels[i] = rng.NextInt(4);
        var data = new TensorDataset(features, labels);
        var model = MLP.Create(20, [32], 4, Activation.ReLU, seed: 3, fuseActivations: true);
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), 0.01)) { BatchSize = BatchSize };
        int steps = Epochs * Samples / BatchSize;

        trainer.Fit(data, epochs: 1); // warm-up: pools, Adam's state, the JIT
        long least = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.Fit(data, epochs: Epochs);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        // Fit's own per-call cost (the history, its enumerators) is spread over the steps, so it is included.
        long perStep = least / steps;
        output.WriteLine($"Trainer.Fit, batch {BatchSize}: {perStep} bytes per step ({least} bytes for {steps} steps)");
        Assert.True(perStep <= MaxBytesPerStep, $"Trainer.Fit allocated {perStep} bytes per step; expected at most {MaxBytesPerStep}");
    }

    /// <summary>The hand-written training step in a scope (README, "Training without allocation").</summary>
    private static Action ScopedStep(Module model, Optimizer optimizer, Tensor x, Func<Tensor, Tensor> lossOf) => () =>
    {
        using TensorScope scope = Tensor.Scope();
        Tensor loss = lossOf(model.Forward(x));
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
    };

    private void AssertSmall(string name, Action step)
    {
        for (int i = 0; i < 5; i++) step(); // warm-up: the pools fill, the JIT settles
        long perStep = AllocationCounter.LeastPerBatch(step) / 10;
        output.WriteLine($"{name}: {perStep} bytes per step on the training thread");
        Assert.True(perStep <= MaxBytesPerStep, $"{name}: a scoped step allocated {perStep} bytes; expected at most {MaxBytesPerStep}");
    }
}
