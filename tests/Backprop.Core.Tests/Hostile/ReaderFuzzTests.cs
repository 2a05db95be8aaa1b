using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Backprop.Data;
using Backprop.IO;
using Backprop.NN;
using FsCheck;
using FsCheck.Fluent;

namespace Backprop.Core.Tests.Hostile;

/// <summary>
/// Issue 12: random corruptions of valid files (bit flips, truncations, inserted and deleted bytes, extreme header
/// fields) end in the reader's own exception — ModelFileException, InvalidDataException (IDX), CsvFormatException —
/// or in a successful read, never in another exception, and with bounded allocation.
/// </summary>
public sealed class ReaderFuzzTests() : TempFolder("bp-fuzz-")
{
    private const int Cases = 1000;
    private const long MaxAllocation = 32L << 20;

    private static Config Quick => Config.QuickThrowOnFailure.WithMaxTest(Cases);

    [Fact]
    public void Corrupted_model_files_end_in_ModelFileException()
    {
        string valid = PathOf("valid.bpnn");
        ModelFile.Save(MLP.Create(3, [4], 2, seed: 1), valid);
        byte[] bytes = File.ReadAllBytes(valid);
        int[] fields = ModelFileFields(bytes);
        string path = PathOf("case.bpnn");
        var cases = Corruption.Some.SelectMany(c => Gen.Elements(true, false), (c, fix) => (Corruptions: c, FixChecksum: fix));
        int runs = 0;
        Check.One(Quick, Prop.ForAll(cases.ToArbitrary(), input =>
        {
            runs++;
            byte[] data = Corruption.ApplyAll(bytes, input.Corruptions, fields, bigEndian: false);
            if (input.FixChecksum && data.Length >= 32) SHA256.HashData(data.AsSpan(0, data.Length - 32), data.AsSpan(data.Length - 32));
            File.WriteAllBytes(path, data);
            return Corruption.EndsWell(() => ModelFile.Read(path), typeof(ModelFileException), MaxAllocation);
        }));
        Assert.Equal(Cases, runs);
    }

    /// <summary>Offsets of the header, every record's name length, dtype, rank and dimensions.</summary>
    private static int[] ModelFileFields(byte[] file)
    {
        var fields = new List<int> { 8, 12 };
        int pos = 16;
        int count = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(12));
        for (int i = 0; i < count; i++)
        {
            int nameLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(pos));
            fields.Add(pos);
            pos += 4 + nameLength;
            byte dtype = file[pos];
            fields.Add(pos);
            int rank = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(pos + 1));
            fields.Add(pos + 1);
            pos += 5;
            long elements = 1;
            for (int d = 0; d < rank; d++, pos += 4)
            {
                fields.Add(pos);
                elements *= BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(pos));
            }
            pos += (int)elements * (dtype == 1 ? 4 : 8);
        }
        return [.. fields];
    }

    [Fact]
    public void Corrupted_IDX_files_end_in_InvalidDataException()
    {
        byte[] images = IdxFile(Idx.ImagesMagic, [5, 4, 3]);
        byte[] labels = IdxFile(Idx.LabelsMagic, [5]);
        int[] fields = [0, 4, 8, 12];
        var cases = Corruption.Some.SelectMany(c => Gen.Choose(0, 5), (c, mode) => (Corruptions: c, Mode: mode));
        int runs = 0;
        Check.One(Quick, Prop.ForAll(cases.ToArbitrary(), input =>
        {
            runs++;
            // Modes: 0–1 raw images/labels; 2–3 corrupted, then gzip-compressed; 4–5 gzip-compressed, then corrupted.
            bool isImages = input.Mode % 2 == 0;
            byte[] valid = isImages ? images : labels;
            byte[] data = input.Mode >= 4
                ? Corruption.ApplyAll(Gzip(valid), input.Corruptions, [], bigEndian: true)
                : Corruption.ApplyAll(valid, input.Corruptions, fields, bigEndian: true);
            if (input.Mode is 2 or 3) data = Gzip(data);
            return Corruption.EndsWell(() =>
            {
                if (isImages) Idx.ReadImages(new MemoryStream(data), "fuzz");
                else Idx.ReadLabels(new MemoryStream(data), "fuzz");
            }, typeof(InvalidDataException), MaxAllocation);
        }));
        Assert.Equal(Cases, runs);
    }

    private static byte[] IdxFile(int magic, int[] dims)
    {
        int size = 1;
        foreach (int d in dims) size *= d;
        var file = new byte[4 + 4 * dims.Length + size];
        BinaryPrimitives.WriteInt32BigEndian(file, magic);
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4 + 4 * d), dims[d]);
        for (int i = 0; i < size; i++) file[4 + 4 * dims.Length + i] = (byte)(i * 37);
        return file;
    }

    private static byte[] Gzip(byte[] data)
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        return compressed.ToArray();
    }

    /// <summary>Cell texts a field change puts into a CSV file.</summary>
    private static readonly string[] HostileCells =
        ["", "\"", "\"\"", "\"a\"b", "NaN", "1e999", "-0", "label", "x1", "\uFEFF", "\uFEFFlabel", ",", "1,2", "\t", " ", "٣", "∞", "0x10",
         new string('9', 400), new string('a', 100_000), "\"" + new string(',', 1000) + "\""];

    [Fact]
    public void Corrupted_CSV_files_end_in_CsvFormatException()
    {
        const string valid = "x1,x2,label\n0.5,1,0\n2,-3.25,1\n1e-3,4,2\n\n7,8,1\n";
        var cases =
            from corruptions in Corruption.Some
            from cell in Gen.Choose(0, int.MaxValue)
            from text in Gen.Elements(HostileCells)
            from byName in Gen.Elements(true, false)
            select (Corruptions: corruptions, Cell: cell, Text: text, ByName: byName);
        int runs = 0;
        Check.One(Quick, Prop.ForAll(cases.ToArbitrary(), input =>
        {
            runs++;
            string csv = ReplaceCell(valid, input.Cell, input.Text);
            byte[] bytes = Corruption.ApplyAll(Encoding.UTF8.GetBytes(csv), input.Corruptions, [], bigEndian: false);
            string text = Encoding.UTF8.GetString(bytes);
            return Corruption.EndsWell(() =>
            {
                if (input.ByName) CsvReader.Read(new StringReader(text), "label");
                else CsvReader.Read(new StreamReader(new MemoryStream(bytes)), hasHeader: true);
            }, typeof(CsvFormatException), MaxAllocation);
        }));
        Assert.Equal(Cases, runs);
    }

    /// <summary>The CSV text with one cell (chosen modulo the number of cells) replaced.</summary>
    private static string ReplaceCell(string csv, int cell, string text)
    {
        string[] lines = csv.Split('\n');
        string[][] cells = lines.Select(l => l.Split(',')).ToArray();
        int total = cells.Sum(c => c.Length);
        int k = cell % total;
        foreach (string[] row in cells)
        {
            if (k < row.Length) { row[k] = text; break; }
            k -= row.Length;
        }
        return string.Join('\n', cells.Select(c => string.Join(',', c)));
    }
}
