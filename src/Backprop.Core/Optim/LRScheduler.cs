namespace Backprop.Optim;

/// <summary>
/// Changes an optimizer's learning rate once per epoch (PyTorch's <c>lr_scheduler</c>): call
/// <see cref="Step"/> after each epoch's optimizer steps. On construction the epoch counter is 0 and the
/// learning rate is the optimizer's current one (the base rate).
/// </summary>
public abstract class LRScheduler
{
    /// <summary>Binds the schedule to <paramref name="optimizer"/>, whose current rate becomes the base rate.</summary>
    protected LRScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        BaseLearningRate = optimizer.LearningRate;
    }

    /// <summary>The optimizer whose learning rate is scheduled.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>η₀: the learning rate when the schedule was created.</summary>
    public double BaseLearningRate { get; internal set; }

    /// <summary>The epoch counter t (0 before the first <see cref="Step"/>).</summary>
    public int Epoch { get; internal set; }

    /// <summary>The optimizer's current learning rate.</summary>
    public double LearningRate => Optimizer.LearningRate;

    /// <summary>Advances t by one and sets the optimizer's learning rate for epoch t.</summary>
    public void Step()
    {
        Epoch++;
        Optimizer.LearningRate = NextLearningRate(Epoch, Optimizer.LearningRate);
    }

    /// <summary>The learning rate for epoch <paramref name="epoch"/> given the current one (PyTorch's chainable <c>get_lr</c>).</summary>
    protected abstract double NextLearningRate(int epoch, double current);
}
