namespace Backprop;

// Gradient hooks on tensors (PyTorch's register_hook), run by the backward pass when a tensor's gradient for
// the pass is complete.
public sealed partial class Tensor
{
    private List<Func<Tensor, Tensor?>>? _hooks;

    /// <summary>
    /// Registers <paramref name="hook"/> to be called during <see cref="Backward(Tensor?, bool)"/> with ∂L/∂this for
    /// that pass (complete: every path's contribution summed; for a leaf, before it is added to <see cref="Grad"/>),
    /// like PyTorch's <c>register_hook</c>. The hook may return a replacement gradient of the same shape and dtype,
    /// which is then what <see cref="Grad"/> receives (leaves, retained gradients) and what flows on to the tensors
    /// this one was computed from; null keeps the gradient. Do not keep the argument after the hook returns (its
    /// buffer is reused); copy it (e.g. <c>g * 1.0</c>) to keep it. Hooks run in registration order, each seeing the
    /// previous one's result.
    /// </summary>
    /// <returns>A handle whose <see cref="HookHandle.Remove"/> or <see cref="HookHandle.Dispose"/> removes the hook.</returns>
    /// <exception cref="InvalidOperationException">This tensor does not require gradients.</exception>
    public HookHandle RegisterHook(Func<Tensor, Tensor?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!_requiresGrad)
            throw new InvalidOperationException(
                $"RegisterHook: {DisplayName} {Shapes.Format(_shape)} does not require gradients, so no gradient will reach the hook; " +
                "expected a tensor with RequiresGrad = true or one computed from such a tensor.");
        Func<Tensor, Tensor?> entry = g => hook(g); // one instance per registration, so removal removes exactly this one
        (_hooks ??= []).Add(entry);
        return new HookHandle(() =>
        {
            _hooks?.Remove(entry);
            if (_hooks is { Count: 0 }) _hooks = null;
        });
    }

    /// <summary>Registers <paramref name="hook"/> to observe ∂L/∂this during the backward pass without changing it
    /// (see <see cref="RegisterHook(Func{Tensor, Tensor?})"/>).</summary>
    /// <returns>A handle that removes the hook.</returns>
    /// <exception cref="InvalidOperationException">This tensor does not require gradients.</exception>
    public HookHandle RegisterHook(Action<Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return RegisterHook(g =>
        {
            hook(g);
            return null;
        });
    }

    /// <summary>Runs the hooks on <paramref name="gradient"/> (this pass's ∂L/∂this, a buffer the pass owns), writing
    /// any replacement into it.</summary>
    private void ApplyHooks(Tensor gradient)
    {
        foreach (Func<Tensor, Tensor?> hook in _hooks!.ToArray()) // a hook may remove hooks
        {
            Tensor? replacement = hook(gradient);
            if (replacement is null || ReferenceEquals(replacement, gradient)) continue;
            if (!Shapes.Equal(replacement._shape, _shape))
                throw new ShapeMismatchException("RegisterHook", _shape, replacement._shape,
                    $"RegisterHook: a hook on {DisplayName} returned a gradient of shape {Shapes.Format(replacement._shape)}; " +
                    $"expected the tensor's shape {Shapes.Format(_shape)} (or null to keep the gradient).");
            Shapes.CheckSameDType("RegisterHook", gradient, replacement);
            Array.Copy(replacement._storage, gradient._storage, gradient.ElementCount);
        }
    }
}
