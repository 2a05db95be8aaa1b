namespace Backprop.Core.Tests.Hostile;

/// <summary>Issue 12: a NoGrad scope disposed on another thread, or across an await, leaves no thread in no-grad mode.</summary>
public class NoGradAcrossThreadsTests
{
    [Fact]
    public void A_scope_disposed_on_another_thread_ends_on_the_thread_that_entered_it()
    {
        NoGrad? scope = null;
        bool activeBefore = false, activeAfter = true;
        using var created = new ManualResetEventSlim();
        using var disposed = new ManualResetEventSlim();
        var owner = new Thread(() =>
        {
            scope = new NoGrad();
            activeBefore = NoGrad.IsActive;
            created.Set();
            disposed.Wait();
            activeAfter = NoGrad.IsActive;
        });
        owner.Start();
        created.Wait();
        scope!.Dispose(); // on the test thread
        disposed.Set();
        owner.Join();
        Assert.True(activeBefore);
        Assert.False(activeAfter);
        Assert.False(NoGrad.IsActive);
        scope.Dispose(); // twice: no effect
    }

    [Fact]
    public async Task A_scope_holds_across_an_await_and_ends_when_disposed_on_the_resuming_thread()
    {
        var x = Tensor.Ones(2);
        x.RequiresGrad = true;
        using (new NoGrad())
        {
            await Task.Run(() => Thread.Sleep(10));
            await Task.Yield();
            Assert.True(NoGrad.IsActive);
            Assert.True((x * 2).IsLeaf);
        }
        Assert.False(NoGrad.IsActive);
        Assert.False((x * 2).IsLeaf);
    }

    [Fact]
    public async Task A_scope_entered_inside_an_async_method_does_not_leak_to_its_caller()
    {
        static async Task EnterAndLeave()
        {
            using var scope = new NoGrad();
            await Task.Yield();
        }
        await EnterAndLeave();
        Assert.False(NoGrad.IsActive);
    }

    [Fact]
    public void Scopes_disposed_out_of_nesting_order_end_exactly_when_both_are_disposed()
    {
        var outer = new NoGrad();
        var inner = new NoGrad();
        outer.Dispose();
        Assert.True(NoGrad.IsActive);
        inner.Dispose();
        Assert.False(NoGrad.IsActive);
    }
}
