using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;

namespace Backprop.Core.Tests.Hostile;

/// <summary>What a fuzz case does to a valid file.</summary>
public enum CorruptionKind
{
    /// <summary>Flip one bit.</summary>
    BitFlip,
    /// <summary>Cut the file short.</summary>
    Truncate,
    /// <summary>Insert a run of equal bytes.</summary>
    Insert,
    /// <summary>Remove a run of bytes.</summary>
    Delete,
    /// <summary>Overwrite a header field (a 32-bit size, count, rank, …) with an extreme value.</summary>
    FieldChange,
}

/// <summary>One corruption: where (a position reduced modulo the length) and with what.</summary>
public sealed record Corruption(CorruptionKind Kind, int Position, int Value, int Length)
{
    /// <summary>Values that break size arithmetic: zero, signs, powers of two, 46340² ≈ 2³¹, the largest array.</summary>
    private static readonly int[] Extremes =
        [0, 1, -1, 2, 7, 255, 256, 1024, 1025, 65535, 65536, 46340, 1 << 30, Array.MaxLength, Array.MaxLength + 1, int.MaxValue, int.MinValue];

    /// <summary>One to three corruptions.</summary>
    public static Gen<Corruption[]> Some =>
        Gen.Choose(1, 3).SelectMany(n => One.ArrayOf(n));

    private static Gen<Corruption> One =>
        from kind in Gen.Elements(Enum.GetValues<CorruptionKind>())
        from position in Gen.Choose(0, int.MaxValue)
        from value in Gen.OneOf(Gen.Elements(Extremes), Gen.Choose(int.MinValue, int.MaxValue))
        from length in Gen.Choose(1, 64)
        select new Corruption(kind, position, value, length);

    /// <summary>Applies the corruption; <paramref name="fields"/> are the offsets of the file's header fields.</summary>
    public byte[] Apply(byte[] data, IReadOnlyList<int> fields, bool bigEndian)
    {
        int n = data.Length;
        switch (Kind)
        {
            case CorruptionKind.BitFlip when n > 0:
                byte[] flipped = (byte[])data.Clone();
                flipped[Position % n] ^= (byte)(1 << (Value & 7));
                return flipped;
            case CorruptionKind.Truncate:
                return data[..(Position % (n + 1))];
            case CorruptionKind.Insert:
                int at = Position % (n + 1);
                return [.. data[..at], .. Enumerable.Repeat((byte)Value, Length), .. data[at..]];
            case CorruptionKind.Delete when n > 0:
                int from = Position % n;
                return [.. data[..from], .. data[Math.Min(n, from + Length)..]];
            case CorruptionKind.FieldChange when fields.Count > 0:
                int offset = fields[Position % fields.Count];
                if (offset + 4 > n) return data;
                byte[] changed = (byte[])data.Clone();
                if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(changed.AsSpan(offset), Value);
                else BinaryPrimitives.WriteInt32LittleEndian(changed.AsSpan(offset), Value);
                return changed;
            default:
                return data;
        }
    }

    /// <summary>Applies every corruption in turn.</summary>
    public static byte[] ApplyAll(byte[] data, Corruption[] corruptions, IReadOnlyList<int> fields, bool bigEndian)
    {
        foreach (Corruption c in corruptions) data = c.Apply(data, fields, bigEndian);
        return data;
    }

    /// <summary>Runs <paramref name="read"/> on a corrupted input: it must succeed or throw exactly <paramref name="expected"/>,
    /// allocating at most <paramref name="maxBytes"/> on the way.</summary>
    public static bool EndsWell(Action read, Type expected, long maxBytes)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            read();
        }
        catch (Exception e) when (e.GetType() != expected)
        {
            throw new Xunit.Sdk.XunitException($"expected success or {expected.Name}, got {e.GetType().Name}: {e}");
        }
        catch (Exception)
        {
            // The reader's own exception: fine.
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > maxBytes) throw new Xunit.Sdk.XunitException($"allocated {allocated:N0} bytes, more than {maxBytes:N0}");
        return true;
    }
}
