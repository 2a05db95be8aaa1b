namespace Backprop;

/// <summary>
/// A scope in which operations record no computation graph, like PyTorch's <c>torch.no_grad()</c>.
/// Use it for parameter updates and evaluation: <c>using (new NoGrad()) { w.Data -= lr * w.Grad; }</c>.
/// </summary>
/// <remarks>
/// <para>Inside the scope, every operation on <see cref="Value"/> or <see cref="Tensor"/> returns a fresh leaf
/// with no parents, so nothing is kept alive and <c>Backward()</c> stops there. Scopes nest.</para>
/// <para><b>Which code is inside.</b> The scope follows the logical flow of control that entered it, like an
/// <see cref="AsyncLocal{T}"/>: synchronous code after the constructor on the same thread, the code after an
/// <c>await</c> inside the <c>using</c> block (whatever thread it resumes on), and tasks or threads started inside
/// the block. Code running on other threads, or the caller of an <c>async</c> method that entered a scope, is
/// not inside it.</para>
/// <para><b>Disposal from anywhere.</b> <see cref="Dispose"/> ends the scope wherever it is in effect, whichever
/// thread calls it (after an <c>await</c>, from a finalizer-like clean-up, or out of nesting order); no thread
/// is ever left in no-grad mode by a scope that was disposed, and disposing twice has no further effect.</para>
/// </remarks>
public sealed class NoGrad : IDisposable
{
    private static readonly AsyncLocal<NoGrad?> s_current = new();
    private static int s_live; // scopes created and not yet disposed, process-wide: 0 makes IsActive a single read

    private readonly NoGrad? _outer;
    private int _disposed; // 0 or 1, set once

    private bool Disposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Enters a no-grad scope in the current flow of control.</summary>
    public NoGrad()
    {
        _outer = s_current.Value;
        s_current.Value = this;
        Interlocked.Increment(ref s_live);
    }

    /// <summary>True when the current flow of control is inside at least one undisposed <see cref="NoGrad"/> scope.</summary>
    public static bool IsActive
    {
        get
        {
            if (Volatile.Read(ref s_live) == 0) return false;
            for (NoGrad? scope = s_current.Value; scope is not null; scope = scope._outer)
                if (!scope.Disposed) return true;
            return false;
        }
    }

    /// <summary>Leaves the scope, from any thread. Disposing twice has no further effect.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Interlocked.Decrement(ref s_live);
        // Where this scope is the innermost one, pop it and any disposed scopes around it, so the chain stays short.
        if (ReferenceEquals(s_current.Value, this))
        {
            NoGrad? outer = _outer;
            while (outer is not null && outer.Disposed) outer = outer._outer;
            s_current.Value = outer;
        }
    }
}
