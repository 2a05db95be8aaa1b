namespace Backprop.Kernels;

/// <summary>The size of the machine's last-level cache, read once: on Linux from sysfs (the largest unified cache
/// cpu0 reports); elsewhere, or when it cannot be read, 8 MB (the smallest L3 seen on the machines we run on).</summary>
internal static class CacheSize
{
    private const long Fallback = 8L << 20;

    /// <summary>Bytes of the last-level cache.</summary>
    public static long LastLevel { get; } = Read();

    private static long Read()
    {
        try
        {
            const string root = "/sys/devices/system/cpu/cpu0/cache";
            if (!OperatingSystem.IsLinux() || !Directory.Exists(root)) return Fallback;
            long largest = 0;
            foreach (string index in Directory.EnumerateDirectories(root, "index*"))
            {
                string typeFile = Path.Combine(index, "type"), sizeFile = Path.Combine(index, "size");
                if (!File.Exists(typeFile) || !File.Exists(sizeFile) || File.ReadAllText(typeFile).Trim() != "Unified") continue;
                largest = Math.Max(largest, Parse(File.ReadAllText(sizeFile).Trim()));
            }
            return largest > 0 ? largest : Fallback;
        }
        catch (IOException) { return Fallback; }
        catch (UnauthorizedAccessException) { return Fallback; }
    }

    /// <summary>"32768K", "1M" or a plain byte count; 0 when unreadable.</summary>
    internal static long Parse(string text)
    {
        if (text.Length == 0) return 0;
        long unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
        string digits = unit == 1 ? text : text[..^1];
        return long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n) ? n * unit : 0;
    }
}
