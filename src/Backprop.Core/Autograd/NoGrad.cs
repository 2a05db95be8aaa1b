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
    private bool _disposed;

    /// <summary>Enters a no-grad scope on the current thread.</summary>
    public NoGrad() => s_depth++;

    /// <summary>True when the current thread is inside at least one <see cref="NoGrad"/> scope.</summary>
    public static bool IsActive => s_depth > 0;

    /// <summary>Leaves the scope. Disposing twice has no further effect.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        s_depth--;
    }
}
