using System.Globalization;

namespace Backprop.Data;

/// <summary>
/// Reads a numeric CSV table with one label column into a <see cref="ClassificationData"/>.
/// </summary>
/// <remarks>
/// <para>Every column but the label column must hold numbers (invariant culture, e.g. <c>1.5e-3</c>).
/// Fields are trimmed; a field may be enclosed in double quotes (a doubled quote inside stands for one
/// quote); blank lines are skipped; fields cannot span lines.</para>
/// <para>Labels: when every label is a non-negative integer below 10 000, the class index is the label
/// itself (so "0, 2" keeps class 1 empty) and the class names are "0", "1", …. Otherwise the distinct
/// labels are sorted (numerically when all are numbers, else ordinally) and the class index is the rank;
/// the class names are the labels as written.</para>
/// </remarks>
public static class CsvReader
{
    private const int MaxIdentityLabel = 10_000;

    /// <summary>Reads the CSV file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="hasHeader">Whether the first non-blank line names the columns.</param>
    /// <param name="labelColumn">Zero-based index of the label column; negative counts from the end (−1 is the last column).</param>
    /// <param name="separator">The field separator.</param>
    /// <exception cref="CsvFormatException">A cell is not a number, a row is ragged, or the table is empty.</exception>
    public static ClassificationData Read(string path, bool hasHeader = true, int labelColumn = -1, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        return Read(reader, hasHeader, labelColumn, separator, path);
    }

    /// <summary>Reads the CSV file at <paramref name="path"/>, whose header names the label column.</summary>
    /// <param name="path">The file (with a header line).</param>
    /// <param name="labelColumn">The header name of the label column.</param>
    /// <param name="separator">The field separator.</param>
    public static ClassificationData Read(string path, string labelColumn, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        return Read(reader, labelColumn, separator, path);
    }

    /// <summary>Reads CSV text whose header names the label column.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="labelColumn">The header name of the label column.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="sourceName">A name for error messages (e.g. the file name).</param>
    public static ClassificationData Read(TextReader reader, string labelColumn, char separator = ',', string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(labelColumn);
        return ReadCore(reader, true, header =>
        {
            int index = Array.IndexOf(header, labelColumn);
            if (index < 0)
                throw new CsvFormatException(sourceName, 1, 0,
                    $"no column is named {Quote(labelColumn)}; the header has {ListNames(header)}.");
            return index;
        }, separator, sourceName);
    }

    /// <summary>Reads CSV text.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="hasHeader">Whether the first non-blank line names the columns.</param>
    /// <param name="labelColumn">Zero-based index of the label column; negative counts from the end (−1 is the last column).</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="sourceName">A name for error messages (e.g. the file name).</param>
    /// <exception cref="CsvFormatException">A cell is not a number, a row is ragged, or the table is empty.</exception>
    public static ClassificationData Read(TextReader reader, bool hasHeader = true, int labelColumn = -1, char separator = ',', string? sourceName = null) =>
        ReadCore(reader, hasHeader, header =>
        {
            int index = labelColumn < 0 ? header.Length + labelColumn : labelColumn;
            if (index < 0 || index >= header.Length)
                throw new CsvFormatException(sourceName, 1, 0,
                    $"label column {labelColumn} does not exist; the table has {header.Length} column(s) (use 0…{header.Length - 1}, or −1 for the last).");
            return index;
        }, separator, sourceName);

    private static ClassificationData ReadCore(TextReader reader, bool hasHeader, Func<string[], int> pickLabel, char separator, string? sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (separator is '"' or '\n' or '\r')
            throw new ArgumentException($"CsvReader: the separator cannot be {(separator == '"' ? "a double quote" : "a line break")}.", nameof(separator));

        string[]? header = null;
        int columns = -1, labelIndex = -1, firstLine = 0;
        var rows = new List<double[]>();
        var labels = new List<string>();
        var fields = new List<string>();
        int lineNumber = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (lineNumber == 1 && line.StartsWith('\uFEFF')) line = line[1..]; // a byte-order mark a TextReader kept
            if (string.IsNullOrWhiteSpace(line)) continue;
            SplitLine(line, separator, fields, sourceName, lineNumber);
            if (columns < 0)
            {
                columns = fields.Count;
                firstLine = lineNumber;
                if (columns < 2)
                    throw new CsvFormatException(sourceName, lineNumber, 0,
                        $"expected at least 2 columns (features and a label), found {columns}; is the separator '{separator}' right?");
                header = hasHeader ? [.. fields] : DefaultNames(columns);
                labelIndex = pickLabel(header);
                if (hasHeader) continue;
            }
            if (fields.Count != columns)
                throw new CsvFormatException(sourceName, lineNumber, 0,
                    $"ragged row: it has {fields.Count} column(s), expected {columns} as in line {firstLine}.");
            var row = new double[columns - 1];
            for (int c = 0, f = 0; c < columns; c++)
            {
                if (c == labelIndex) { labels.Add(fields[c]); continue; }
                if (!double.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out row[f++]))
                    throw new CsvFormatException(sourceName, lineNumber, c + 1,
                        fields[c].Length == 0
                            ? $"the cell of column {Quote(header![c])} is empty; expected a number."
                            : $"expected a number in column {Quote(header![c])}, got {Quote(fields[c])}.");
            }
            for (int c = 0, f = 0; c < columns; c++)
            {
                if (c == labelIndex) continue;
                if (!double.IsFinite(row[f++]))
                    throw new CsvFormatException(sourceName, lineNumber, c + 1, $"the cell of column {Quote(header![c])} is {Quote(fields[c])}; expected a finite number.");
            }
            rows.Add(row);
        }
        if (rows.Count == 0)
            throw new CsvFormatException(sourceName, lineNumber, 0, "the table has no data rows.");

        var (labelIndices, classNames) = EncodeLabels(labels);
        var featureNames = new string[columns - 1];
        for (int c = 0, f = 0; c < columns; c++) if (c != labelIndex) featureNames[f++] = header![c];
        return new ClassificationData([.. rows], labelIndices, classNames.Length)
        {
            ClassNames = classNames,
            FeatureNames = featureNames,
        };
    }

    private const int MaxQuotedChars = 60, MaxListedNames = 20;

    /// <summary>'text' for an error message; a long cell is cut to its first 60 characters, an ellipsis and its length,
    /// so a message stays short whatever the input.</summary>
    private static string Quote(string text) =>
        text.Length <= MaxQuotedChars
            ? $"'{text}'"
            : $"'{text[..(char.IsHighSurrogate(text[MaxQuotedChars - 1]) ? MaxQuotedChars - 1 : MaxQuotedChars)]}…' ({text.Length.ToString(CultureInfo.InvariantCulture)} characters)";

    /// <summary>The quoted names, at most 20 of them, then how many more.</summary>
    private static string ListNames(string[] names)
    {
        var sb = new System.Text.StringBuilder();
        int shown = Math.Min(names.Length, MaxListedNames);
        for (int i = 0; i < shown; i++) sb.Append(i > 0 ? ", " : "").Append(Quote(names[i]));
        if (shown < names.Length) sb.Append($" and {names.Length - shown} more");
        return sb.ToString();
    }

    private static string[] DefaultNames(int columns)
    {
        var names = new string[columns];
        for (int c = 0; c < columns; c++) names[c] = "column " + (c + 1).ToString(CultureInfo.InvariantCulture);
        return names;
    }

    /// <summary>Label strings → class indices and names (see the class remarks for the rule).</summary>
    private static (int[] Labels, string[] Names) EncodeLabels(List<string> raw)
    {
        var numbers = new double[raw.Count];
        bool allNumeric = true, allSmallIntegers = true;
        for (int i = 0; i < raw.Count; i++)
        {
            allNumeric &= double.TryParse(raw[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]);
            allSmallIntegers &= allNumeric && double.IsInteger(numbers[i]) && numbers[i] >= 0 && numbers[i] < MaxIdentityLabel;
        }
        var result = new int[raw.Count];
        if (allSmallIntegers)
        {
            int max = 0;
            for (int i = 0; i < raw.Count; i++) max = Math.Max(max, result[i] = (int)numbers[i]);
            var names = new string[max + 1];
            for (int k = 0; k <= max; k++) names[k] = k.ToString(CultureInfo.InvariantCulture);
            return (result, names);
        }
        if (allNumeric)
        {
            var distinct = numbers.Distinct().Order().ToArray();
            var rank = new Dictionary<double, int>();
            for (int k = 0; k < distinct.Length; k++) rank[distinct[k]] = k;
            var names = new string[distinct.Length];
            for (int i = 0; i < raw.Count; i++) names[result[i] = rank[numbers[i]]] ??= raw[i];
            return (result, names);
        }
        var classes = raw.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < classes.Length; k++) index[classes[k]] = k;
        for (int i = 0; i < raw.Count; i++) result[i] = index[raw[i]];
        return (result, classes);
    }

    /// <summary>Splits one line into trimmed fields, honouring double quotes.</summary>
    private static void SplitLine(string line, char separator, List<string> fields, string? sourceName, int lineNumber)
    {
        fields.Clear();
        var field = new System.Text.StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            while (i < line.Length && line[i] != separator && char.IsWhiteSpace(line[i])) i++;
            if (i < line.Length && line[i] == '"')
            {
                int open = i++;
                while (true)
                {
                    if (i >= line.Length)
                        throw new CsvFormatException(sourceName, lineNumber, fields.Count + 1,
                            $"the quote opened at character {open + 1} is never closed (fields cannot span lines).");
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                while (i < line.Length && line[i] != separator)
                {
                    if (!char.IsWhiteSpace(line[i]))
                        throw new CsvFormatException(sourceName, lineNumber, fields.Count + 1,
                            $"unexpected '{line[i]}' after a closing quote; expected '{separator}' or the end of the line.");
                    i++;
                }
                fields.Add(field.ToString());
            }
            else
            {
                int start = i;
                while (i < line.Length && line[i] != separator) i++;
                fields.Add(line[start..i].Trim());
            }
            if (i >= line.Length) return;
            i++; // skip the separator
        }
    }
}

/// <summary>A CSV table that cannot be read as numeric features and labels; says where and why.</summary>
public sealed class CsvFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The file name, or null for a reader.</param>
    /// <param name="line">1-based line number.</param>
    /// <param name="column">1-based column number, or 0 when the problem is the whole line.</param>
    /// <param name="problem">What is wrong.</param>
    public CsvFormatException(string? source, int line, int column, string problem)
        : base($"CsvReader: {source ?? "CSV"}, line {line}{(column > 0 ? $", column {column}" : "")}: {problem}")
    {
        SourceName = source;
        Line = line;
        Column = column;
    }

    /// <summary>The file name, or null when reading from a <see cref="TextReader"/> without a name.</summary>
    public string? SourceName { get; }

    /// <summary>1-based line number of the problem.</summary>
    public int Line { get; }

    /// <summary>1-based column number of the problem, or 0 when the problem is the whole line.</summary>
    public int Column { get; }
}
