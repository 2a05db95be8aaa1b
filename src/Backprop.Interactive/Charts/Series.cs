namespace Backprop.Interactive.Charts;

/// <summary>One line of a <see cref="LineChart"/>.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">X coordinates.</param>
/// <param name="Y">Y values; NaN or ∞ are not drawn as lines but marked at the top edge.</param>
/// <param name="Colour">Stroke colour.</param>
/// <param name="Width">Stroke width.</param>
/// <param name="Markers">Draw a dot at each point.</param>
/// <param name="Opacity">Stroke opacity.</param>
public sealed record Series(string Name, double[] X, double[] Y, string Colour, double Width = 1.8, bool Markers = false, double Opacity = 1)
{
    /// <summary>The X coordinates (as many as <see cref="Y"/>).</summary>
    public double[] X { get; init; } = X ?? throw new ArgumentNullException(nameof(X));

    /// <summary>The Y values (as many as <see cref="X"/>).</summary>
    public double[] Y { get; init; } = Y is null ? throw new ArgumentNullException(nameof(Y))
        : Y.Length == X.Length ? Y
        : throw new ArgumentException($"Series '{Name}': {X.Length} x values but {Y.Length} y values; expected one y per x.", nameof(Y));

    /// <summary>A colour written into SVG attributes, so only #rgb, #rrggbb or #rrggbbaa is accepted.</summary>
    public string Colour { get; init; } = LineChart.CheckColour(Colour);
}
