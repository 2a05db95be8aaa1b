using Backprop.Data;

namespace Backprop.Core.Tests.Hostile;

/// <summary>Issue 12: a byte-order mark kept by a TextReader, and huge cells in error messages.</summary>
public class CsvHostileTests
{
    [Fact]
    public void A_byte_order_mark_kept_by_a_TextReader_does_not_hide_the_first_column_name()
    {
        var data = CsvReader.Read(new StringReader("\uFEFFlabel,x\n1,2.5\n0,3\n"), "label");
        Assert.Equal(["x"], data.FeatureNames);
        Assert.Equal([1, 0], data.Labels);
        var byIndex = CsvReader.Read(new StringReader("\uFEFFx,label\n2.5,1\n"));
        Assert.Equal(["x"], byIndex.FeatureNames);
    }

    [Fact]
    public void An_error_message_quotes_only_the_start_of_a_huge_cell()
    {
        string cell = new string('z', 5_000_000);
        var e = Assert.Throws<CsvFormatException>(() => CsvReader.Read(new StringReader($"x,label\n{cell},1\n")));
        Assert.True(e.Message.Length < 300, $"{e.Message.Length} characters");
        Assert.Contains("zzzz…' (5000000 characters)", e.Message);
    }

    [Fact]
    public void An_error_message_quotes_only_the_start_of_a_huge_column_name_and_lists_few_names()
    {
        string name = new string('n', 1_000_000);
        var header = string.Join(",", Enumerable.Range(0, 1000).Select(i => i == 0 ? name : $"c{i}"));
        var e = Assert.Throws<CsvFormatException>(() => CsvReader.Read(new StringReader(header + "\n"), "label"));
        Assert.True(e.Message.Length < 2000, $"{e.Message.Length} characters");
        Assert.Contains("and 980 more", e.Message);
    }
}
