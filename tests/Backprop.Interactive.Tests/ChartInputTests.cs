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
}
