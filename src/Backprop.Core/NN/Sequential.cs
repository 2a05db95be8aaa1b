using System.Globalization;

namespace Backprop.NN;

/// <summary>
/// A chain of modules applied in order, output = mₖ(…m₂(m₁(x))). The children are named "0", "1", …,
/// so parameters are named "0.Weight", "0.Bias", "2.Weight", ….
/// </summary>
public sealed class Sequential : Module
{
    private readonly Module[] _layers;

    /// <summary>Chains <paramref name="layers"/>, first applied first.</summary>
    /// <exception cref="ArgumentException">No layers, or a null layer.</exception>
    public Sequential(params Module[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0) throw new ArgumentException("Sequential: expected at least one module.", nameof(layers));
        _layers = (Module[])layers.Clone();
        for (int i = 0; i < _layers.Length; i++)
        {
            if (_layers[i] is null) throw new ArgumentException($"Sequential: module {i} is null.", nameof(layers));
            RegisterModule(i.ToString(CultureInfo.InvariantCulture), _layers[i]);
        }
    }

    /// <summary>The number of modules.</summary>
    public int Count => _layers.Length;

    /// <summary>The module at <paramref name="index"/> (named index.ToString()).</summary>
    public Module this[int index] => _layers[index];

    /// <summary>The modules in order.</summary>
    public IReadOnlyList<Module> Layers => _layers;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        Tensor h = input;
        foreach (Module m in _layers) h = m.Forward(h);
        return h;
    }
}
