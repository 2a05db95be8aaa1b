using Backprop.Optim;

namespace Backprop.Core.Tests.Optim;

public class SchedulerTests
{
    private static SGD Optimizer(double lr)
    {
        Tensor p = Tensor.FromArray([1.0]);
        p.RequiresGrad = true;
        return new SGD([p], lr);
    }

    private static double[] Sequence(LRScheduler scheduler, int epochs)
    {
        var lrs = new double[epochs];
        for (int t = 0; t < epochs; t++)
        {
            lrs[t] = scheduler.LearningRate;
            scheduler.Step();
        }
        return lrs;
    }

    [Fact]
    public void StepLR_decays_by_gamma_every_stepSize_epochs()
    {
        double[] lrs = Sequence(new StepLR(Optimizer(0.1), stepSize: 3, gamma: 0.5), 10);
        double[] expected = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125];
        for (int t = 0; t < 10; t++) Assert.Equal(expected[t], lrs[t], 15);
    }

    [Fact]
    public void CosineAnnealingLR_follows_the_closed_form_over_several_periods()
    {
        const double lr0 = 0.1, etaMin = 0.001;
        const int tMax = 5;
        var scheduler = new CosineAnnealingLR(Optimizer(lr0), tMax, etaMin);
        double[] lrs = Sequence(scheduler, 4 * tMax + 1);
        for (int t = 0; t < lrs.Length; t++)
            Assert.Equal(etaMin + (lr0 - etaMin) * (1 + Math.Cos(Math.PI * t / tMax)) / 2, lrs[t], 14);
        Assert.Equal(lr0, lrs[0]);
        Assert.Equal(etaMin, lrs[tMax], 15);
        Assert.Equal(lr0, lrs[2 * tMax], 14);
        Assert.Equal(4 * tMax + 1, scheduler.Epoch);
    }

    [Fact]
    public void Schedules_set_the_optimizer_learning_rate_and_reject_bad_arguments()
    {
        SGD sgd = Optimizer(1.0);
        var s = new StepLR(sgd, 1, 0.5);
        s.Step();
        Assert.Equal(0.5, sgd.LearningRate);
        Assert.Equal(1.0, s.BaseLearningRate);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(sgd, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(sgd, 0));
    }
}
