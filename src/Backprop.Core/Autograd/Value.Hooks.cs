using System.Runtime.CompilerServices;

namespace Backprop;

// Gradient hooks on values (PyTorch's register_hook). The hooks live in a side table, so a value without hooks
// costs nothing but one flag bit in _shape, which the backward pass tests for each node.
public sealed partial class Value
{
    private static readonly ConditionalWeakTable<Value, List<Func<double, double>>> s_hooks = new();

    /// <summary>
    /// Registers <paramref name="hook"/> to be called during <see cref="Backward(double, bool)"/> with ∂output/∂this
    /// (this pass's total, before it is added to <see cref="Grad"/>), like PyTorch's <c>register_hook</c>. It
    /// returns the gradient to use instead (return its argument to keep it): the replacement is what
    /// <see cref="Grad"/> receives and what flows on to the values this one was computed from. Several hooks run in
    /// the order they were registered, each receiving the previous one's result.
    /// </summary>
    /// <returns>A handle whose <see cref="HookHandle.Remove"/> or <see cref="HookHandle.Dispose"/> removes the hook.</returns>
    public HookHandle RegisterHook(Func<double, double> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        Func<double, double> entry = g => hook(g); // one instance per registration, so removal removes exactly this one
        List<Func<double, double>> hooks = s_hooks.GetOrCreateValue(this);
        hooks.Add(entry);
        _shape |= HookFlag;
        return new HookHandle(() =>
        {
            hooks.Remove(entry);
            if (hooks.Count == 0) _shape &= ~HookFlag;
        });
    }

    /// <summary>Registers <paramref name="hook"/> to observe ∂output/∂this during the backward pass without
    /// changing it (see <see cref="RegisterHook(Func{double, double})"/>).</summary>
    /// <returns>A handle that removes the hook.</returns>
    public HookHandle RegisterHook(Action<double> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return RegisterHook(g =>
        {
            hook(g);
            return g;
        });
    }

    /// <summary>Runs this node's hooks on its complete gradient for the pass, if it has any.</summary>
    private void ApplyHooks()
    {
        if ((_shape & HookFlag) == 0 || !s_hooks.TryGetValue(this, out List<Func<double, double>>? hooks)) return;
        foreach (Func<double, double> hook in hooks.ToArray()) _passGrad = hook(_passGrad); // a hook may remove hooks
    }
}
