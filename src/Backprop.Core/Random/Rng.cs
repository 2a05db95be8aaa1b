namespace Backprop;

/// <summary>
/// A small seeded random number generator (xoshiro256** seeded through SplitMix64).
/// The same seed gives the same sequence on every machine and every .NET version, which is what
/// makes weight initialization and data sets reproducible.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareGaussian;

    /// <summary>Creates a generator from a seed.</summary>
    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>Creates a generator from a (possibly negative) integer seed.</summary>
    public Rng(int seed) : this(unchecked((ulong)(long)seed)) { }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The generator's whole state (for checkpoints): the four xoshiro words and the cached Box–Muller sample.</summary>
    internal (ulong S0, ulong S1, ulong S2, ulong S3, double? Spare) State
    {
        get => (_s0, _s1, _s2, _s3, _spareGaussian);
        set => (_s0, _s1, _s2, _s3, _spareGaussian) = value;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "Rng.NextInt: expected a positive upper bound.");
        ulong bound = (ulong)maxExclusive;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold) return (int)(r % bound);
        }
    }

    /// <summary>A standard normal sample (Box–Muller; the second sample of each pair is cached).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is double spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double u1;
        do u1 = NextDouble(); while (u1 <= double.Epsilon);
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        double theta = 2.0 * Math.PI * u2;
        _spareGaussian = r * Math.Sin(theta);
        return r * Math.Cos(theta);
    }

    /// <summary>A normal sample with the given mean and standard deviation.</summary>
    public double NextGaussian(double mean, double std) => mean + std * NextGaussian();

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
