namespace Backprop.Core.Tests.Hostile;

/// <summary>Managed bytes allocated on the current thread while an action runs and throws <typeparamref name="TException"/>.</summary>
internal static class Allocation
{
    public static (TException Error, long Bytes) WhileThrowing<TException>(Action action) where TException : Exception
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<TException>(action);
        return (error, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
