namespace Backprop.Kernels;

/// <summary>How a GEMM call is computed: packed panels and a micro-kernel, or directly.</summary>
internal enum GemmStrategy
{
    /// <summary>Direct for small products (<see cref="GemmDirect{T}.Suits"/>), packed otherwise.</summary>
    Auto,
    /// <summary>Always the packed Goto/BLIS loop nest (split across cores when large).</summary>
    Packed,
    /// <summary>Always the direct, unpacked product on the calling thread.</summary>
    Direct,
}
