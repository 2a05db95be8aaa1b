using Backprop.Interactive.Html;

namespace Backprop.Interactive.Tests.Hostile;

/// <summary>Issue 12: SaveHtml works for any target name the file system accepts and says clearly when one is too long.</summary>
public sealed class SaveHtmlPathTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bp-html-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static HtmlView View()
    {
        var x = new Value(2.0, "x");
        Value y = x * x;
        y.Backward();
        return y.Graph();
    }

    [Fact]
    public void A_long_target_name_is_written_with_a_short_temporary_name()
    {
        string path = Path.Combine(_folder, new string('g', 245) + ".html");
        View().SaveHtml(path);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public void A_target_name_too_long_for_the_file_system_gives_a_clear_error()
    {
        string path = Path.Combine(_folder, new string('g', 300) + ".html");
        var e = Assert.Throws<PathTooLongException>(() => View().SaveHtml(path));
        Assert.Contains("file name is 305 UTF-8 bytes long; expected at most 255", e.Message);
        Assert.Empty(Directory.GetFiles(_folder));
    }
}
