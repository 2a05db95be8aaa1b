using Backprop.Core.Tests.Oracle;
using Backprop.Data;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Training;
using Xunit.Abstractions;

namespace Backprop.Core.Tests.Training;

/// <summary>A real data set: one epoch of a float32 MLP on Fashion-MNIST (Debian's dataset-fashion-mnist).</summary>
public class FashionMnistTrainingTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void One_epoch_of_a_784_256_128_10_mlp_reaches_84_percent_test_accuracy()
    {
        ExternalRequirement.RequireOrSkip("Fashion-MNIST (dataset-fashion-mnist)", FashionMnist.Find() is null ? "not installed" : null);
        var (trainImages, testImages) = FashionMnist.Load();
        TensorDataset train = TensorDataset.FromImages(trainImages), test = TensorDataset.FromImages(testImages);

        Sequential model = MLP.Create(784, [256, 128], 10, Activation.ReLU, seed: 1, fuseActivations: true);
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), learningRate: 1e-3))
        {
            BatchSize = 64,
            Seed = 7,
            ProgressInterval = 200,
        };
        TrainingHistory history = trainer.Fit(train, epochs: 1, validation: test,
            progress: p => output.WriteLine($"step {p.Step} loss {p.Loss:F4}"));
        EpochRecord epoch = history.Epochs.Single();
        output.WriteLine($"train loss {epoch.TrainLoss:F4}, test loss {epoch.ValidationLoss:F4}, test accuracy {epoch.ValidationMetric:P2}, {history.TotalTime.TotalSeconds:F1} s");
        Assert.Equal(train.BatchCount(64), history.Steps.Count);
        Assert.True(history.Steps[^1].Loss < history.Steps[0].Loss / 3);
        Assert.True(epoch.ValidationMetric >= 0.84, $"test accuracy {epoch.ValidationMetric:P2}");
    }
}
