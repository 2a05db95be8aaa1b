using System.Numerics;

namespace Backprop;

/// <summary>A computation written once for every element type: the struct carries its arguments and
/// <see cref="Invoke{T}"/> does the work at <c>T</c> = float or double (see <see cref="DTypeSwitch"/>).</summary>
internal interface IDTypeAction
{
    /// <summary>The computation at element type <typeparamref name="T"/>.</summary>
    void Invoke<T>() where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>The one dispatch from a runtime <see cref="DType"/> to a generic <see cref="IDTypeAction"/> (a struct
/// type argument: no allocation, no boxing, the call inlined per element type).</summary>
internal static class DTypeSwitch
{
    /// <summary>Runs <paramref name="action"/> at <paramref name="dtype"/>'s element type.</summary>
    public static void Invoke<TAction>(DType dtype, TAction action) where TAction : struct, IDTypeAction
    {
        if (dtype == DType.Float32) action.Invoke<float>();
        else action.Invoke<double>();
    }
}
