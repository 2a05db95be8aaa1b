using Backprop.Data;

namespace Backprop.Core.Tests.Data;

public class CsvReaderTests
{
    private static ClassificationData Read(string text, bool hasHeader = true, int labelColumn = -1, char separator = ',') =>
        CsvReader.Read(new StringReader(text), hasHeader, labelColumn, separator, "test.csv");

    [Fact]
    public void Reads_numeric_features_and_integer_labels()
    {
        var data = Read("x1,x2,label\n1.5,-2,0\n3e-1, 4 ,2\n\n5,6,1\n");
        Assert.Equal(3, data.Count);
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal([1.5, -2], data.Features[0]);
        Assert.Equal([0.3, 4], data.Features[1]);
        Assert.Equal([0, 2, 1], data.Labels);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal(["0", "1", "2"], data.ClassNames);
        Assert.Equal(["x1", "x2"], data.FeatureNames);
    }

    [Fact]
    public void String_labels_become_sorted_classes_with_names_kept()
    {
        var data = Read("species;sepal;petal\nsetosa;5.1;1.4\nvirginica;6.3;6.0\nversicolor;5.9;4.2\nsetosa;4.9;1.3\n",
            labelColumn: 0, separator: ';');
        Assert.Equal(["setosa", "versicolor", "virginica"], data.ClassNames);
        Assert.Equal([0, 2, 1, 0], data.Labels);
        Assert.Equal(["sepal", "petal"], data.FeatureNames);
        Assert.Equal([6.3, 6.0], data.Features[1]);
        Assert.Equal("virginica", data.ClassName(2));
    }

    [Fact]
    public void Non_index_numeric_labels_are_ranked()
    {
        var data = Read("a,y\n1,1\n2,-1\n3,1\n", hasHeader: true);
        Assert.Equal(["-1", "1"], data.ClassNames);
        Assert.Equal([1, 0, 1], data.Labels);
    }

    [Fact]
    public void Label_column_by_name_and_quoted_fields()
    {
        var data = CsvReader.Read(new StringReader("\"a, b\",class,c\n\"1.0\",\"big \"\"one\"\"\",2\n3,small,4\n"), "class");
        Assert.Equal(["a, b", "c"], data.FeatureNames);
        Assert.Equal(["big \"one\"", "small"], data.ClassNames);
        Assert.Equal([1.0, 2.0], data.Features[0]);
        Assert.Equal([0, 1], data.Labels);
    }

    [Fact]
    public void Without_header_every_line_is_data()
    {
        var data = Read("1,2,1\n3,4,0\n", hasHeader: false);
        Assert.Equal(2, data.Count);
        Assert.Equal([1, 0], data.Labels);
        Assert.Equal(["column 1", "column 2"], data.FeatureNames);
    }

    [Fact]
    public void Non_numeric_cell_names_line_and_column()
    {
        var e = Assert.Throws<CsvFormatException>(() => Read("x1,x2,label\n1,2,0\n3,abc,1\n"));
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Column);
        Assert.Contains("test.csv, line 3, column 2", e.Message);
        Assert.Contains("'abc'", e.Message);
        Assert.Contains("'x2'", e.Message);
    }

    [Fact]
    public void Empty_cell_is_an_error()
    {
        var e = Assert.Throws<CsvFormatException>(() => Read("x1,x2,label\n1,,0\n"));
        Assert.Equal((2, 2), (e.Line, e.Column));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void Ragged_row_names_line_and_counts()
    {
        var e = Assert.Throws<CsvFormatException>(() => Read("x1,x2,label\n1,2,0\n\n3,4\n"));
        Assert.Equal(4, e.Line);
        Assert.Contains("2 column(s), expected 3", e.Message);
    }

    [Fact]
    public void Other_errors()
    {
        Assert.Contains("does not exist", Assert.Throws<CsvFormatException>(() => Read("a,b\n1,2\n", labelColumn: 5)).Message);
        Assert.Contains("no data rows", Assert.Throws<CsvFormatException>(() => Read("a,b\n")).Message);
        Assert.Contains("never closed", Assert.Throws<CsvFormatException>(() => Read("a,b\n\"1,2\n")).Message);
        Assert.Contains("no column is named 'y'", Assert.Throws<CsvFormatException>(() => CsvReader.Read(new StringReader("a,b\n1,2\n"), "y")).Message);
        Assert.Contains("at least 2 columns", Assert.Throws<CsvFormatException>(() => Read("a;b\n1;2\n")).Message);
    }

    [Fact]
    public void Reads_a_file_and_names_it_in_errors()
    {
        string path = Path.Combine(Path.GetTempPath(), $"backprop-csv-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "f,label\n0.5,cat\n-0.5,dog\n");
            var data = CsvReader.Read(path);
            Assert.Equal([0, 1], data.Labels);
            Assert.Equal([-0.5], data.Features[1]);
            File.WriteAllText(path, "f,label\n0.5,cat\nx,dog\n");
            var e = Assert.Throws<CsvFormatException>(() => CsvReader.Read(path));
            Assert.Equal(path, e.SourceName);
            Assert.Contains(path, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Csv_cells_that_are_not_finite_numbers_are_rejected_with_their_position()
    {
        var e = Assert.Throws<CsvFormatException>(() => CsvReader.Read(new StringReader("a,b,label\n1,2,0\nNaN,3,1\n"), hasHeader: true, labelColumn: -1));
        Assert.Equal(3, e.Line);
        Assert.Equal(1, e.Column);
    }
}
