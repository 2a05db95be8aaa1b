using Backprop.Interactive.Charts;

namespace Backprop.Interactive.Tests;

public class ChartInputTests
{
    [Fact]
    public void Series_colours_must_be_hex_so_nothing_can_escape_the_svg_attribute()
    {
        var e = Assert.Throws<ArgumentException>(() => new Series("a", [0, 1], [0, 1], "red\"/><script>alert(1)</script><x y=\""));
        Assert.Contains("hex colour", e.Message);
        Assert.Throws<ArgumentException>(() => LineChart.Sparkline([1.0, 2.0], colour: "url(javascript:1)"));
        Assert.Equal("#1d4ed8", new Series("a", [0], [1], "#1d4ed8").Colour);
    }

    [Fact]
    public void Series_x_and_y_must_have_the_same_length()
    {
        var e = Assert.Throws<ArgumentException>(() => new Series("loss", [0, 1, 2], [1, 2], "#000000"));
        Assert.Contains("'loss'", e.Message);
    }

    [Fact]
    public void Log_x_places_points_by_their_logarithm_and_leaves_out_x_at_or_below_zero()
    {
        string svg = LineChart.Svg([new Series("gflops", [0, 10, 100, 1000], [5, 1, 2, 3], "#2563eb")], "n", "GFLOP/s", logX: true);
        string path = svg[(svg.IndexOf("<path d=\"", StringComparison.Ordinal) + 9)..];
        path = path[..path.IndexOf('"')];
        // x = 10, 100, 1000 evenly spaced from the left edge (62) to the right edge (640 - 16); x = 0 not drawn.
        Assert.StartsWith("M62,", path);
        Assert.Contains("L343,", path);
        Assert.Contains("L624,", path);
        Assert.Equal(2, path.Count(c => c == 'L'));
        Assert.Contains("n (log scale)", svg);
        Assert.Contains(">100</text>", svg);
        Assert.DoesNotContain("NaN", svg);
    }
}
