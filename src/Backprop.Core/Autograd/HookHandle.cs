namespace Backprop;

/// <summary>
/// A hook registered with <see cref="Tensor.RegisterHook(Func{Tensor, Tensor?})"/> or
/// <see cref="Value.RegisterHook(Func{double, double})"/> (PyTorch's <c>RemovableHandle</c>): <see cref="Remove"/>
/// or <see cref="Dispose"/> unregisters it, so <c>using var h = t.RegisterHook(…);</c> scopes a hook. Removing twice
/// does nothing.
/// </summary>
public sealed class HookHandle : IDisposable
{
    private Action? _remove;

    internal HookHandle(Action remove) => _remove = remove;

    /// <summary>Unregisters the hook (no-op if already removed).</summary>
    public void Remove() => Interlocked.Exchange(ref _remove, null)?.Invoke();

    /// <summary>Unregisters the hook (same as <see cref="Remove"/>).</summary>
    public void Dispose() => Remove();
}
