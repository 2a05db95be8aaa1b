namespace Backprop;

/// <summary>
/// A scope in which operations record no computation graph, like PyTorch's <c>torch.no_grad()</c>.
/// Use it for parameter updates and evaluation: <c>using (new NoGrad()) { w.Data -= lr * w.Grad; }</c>.
/// </summary>
/// <remarks>
/// The scope is per thread and nests. Inside it, every operation on <see cref="Value"/> returns a fresh
/// leaf whose <see cref="Value.Parents"/> are empty, so nothing is kept alive and <c>Backward()</c>
/// stops there.
/// </remarks>
public sealed class NoGrad : IDisposable
{
    [ThreadStatic] private static int s_depth;
    private readonly int _thread = Environment.CurrentManagedThreadId;
    private bool _disposed;

    /// <summary>Enters a no-grad scope on the current thread.</summary>
    public NoGrad() => s_depth++;

    /// <summary>True when the current thread is inside at least one <see cref="NoGrad"/> scope.</summary>
    public static bool IsActive => s_depth > 0;

    /// <summary>Leaves the scope. Disposing twice has no further effect.</summary>
    /// <exception cref="InvalidOperationException">Disposed on another thread than the one that entered it (e.g.
    /// across an <c>await</c>): the scope is per thread, so that would silently leave one thread without
    /// gradients and another with them. Keep a NoGrad scope within synchronous code.</exception>
    public void Dispose()
    {
        if (_disposed) return;
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException(
                $"NoGrad: the scope was entered on thread {_thread} and disposed on thread {Environment.CurrentManagedThreadId}; " +
                "a no-grad scope is per thread, so keep it within synchronous code (no await inside it).");
        _disposed = true;
        s_depth--;
    }
}
