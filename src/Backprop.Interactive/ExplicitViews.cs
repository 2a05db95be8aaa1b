namespace Backprop.Interactive;

/// <summary>Views of the explicit (δ-equation) backprop.</summary>
public static class ExplicitViews
{
    /// <summary>The layer δ table of one sample's backprop.</summary>
    public static Tables.LayerDeltaTable DeltaTable(this Backprop.Explicit.BackpropResult result) => new(result);
}
