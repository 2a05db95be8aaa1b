using System.Diagnostics;
using Backprop.Kernels;

namespace Backprop.Core.Tests.Kernels;

/// <summary>The spin-then-block signal between a caller and the second thread: no post is lost, whether the waiter is
/// spinning or has blocked, and the second thread's failures come back to the caller.</summary>
[Collection(nameof(RunsAloneCollection))]
public sealed class HandoffTests
{
    [Fact]
    public void A_waiter_that_has_blocked_is_woken_by_each_post_and_none_is_lost()
    {
        var handoff = new Handoff();
        long spinTicks = Stopwatch.Frequency / 10_000;   // 100 µs, then block
        int seen = 0, received = 0;
        var waiter = new Thread(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                seen = handoff.WaitPast(seen, spinTicks);
                received++;
            }
        });
        waiter.Start();
        var rng = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            // Gaps on both sides of the spin limit: some posts find the waiter spinning, some find it blocked.
            Thread.SpinWait(rng.Next(0, 20_000));
            if (i % 10 == 0) Thread.Sleep(1);
            handoff.Post();
            while (Volatile.Read(ref received) <= i)
                if (!waiter.IsAlive) break;
                else Thread.Yield();
        }
        Assert.True(waiter.Join(TimeSpan.FromSeconds(10)), "the waiter missed a post and is still blocked");
        Assert.Equal(200, received);
        Assert.Equal(200, handoff.Posts);
    }

    [Fact]
    public void Jobs_far_apart_and_back_to_back_each_run_once_before_Run_returns()
    {
        int runs = 0;
        var rng = new Random(7);
        for (int i = 0; i < 60; i++)
        {
            if (i % 3 == 0) Thread.Sleep(1);   // longer than the spin: the second thread has blocked
            Assert.True(SecondThread.TryAcquire());
            try
            {
                int before = runs;
                SecondThread.Run(() => Interlocked.Increment(ref runs), () => Thread.SpinWait(rng.Next(0, 5_000)));
                Assert.Equal(before + 1, runs);   // Run returns only once the second thread's half is done
            }
            finally
            {
                SecondThread.Release();
            }
        }
    }

    [Fact]
    public void A_half_the_second_thread_has_not_taken_runs_on_the_caller_exactly_once()
    {
        // After a pause longer than the spin, the second thread has blocked: a caller with nothing of its own to do
        // reaches the posted half before the woken thread does (nearly always), and runs it itself.
        long stolenBefore = SecondThread.Stolen;
        int caller = Environment.CurrentManagedThreadId, runs = 0, onCaller = 0;
        for (int i = 0; i < 20; i++)
        {
            Thread.Sleep(2);
            Assert.True(SecondThread.TryAcquire());
            try
            {
                SecondThread.Run(() =>
                {
                    Interlocked.Increment(ref runs);
                    if (Environment.CurrentManagedThreadId == caller) onCaller++;
                }, () => { });
            }
            finally
            {
                SecondThread.Release();
            }
            Assert.Equal(i + 1, runs);
        }
        Assert.Equal(onCaller, SecondThread.Stolen - stolenBefore);
        Assert.True(onCaller > 0, "the caller never ran a half the blocked second thread had not taken");
        // A failing half is reported the same way wherever it ran (after the pause, usually on the caller).
        Thread.Sleep(2);
        Assert.True(SecondThread.TryAcquire());
        try
        {
            var error = Assert.Throws<AggregateException>(() => SecondThread.Run(() => throw new InvalidOperationException("half failed"), () => { }));
            Assert.IsType<InvalidOperationException>(error.InnerException);
        }
        finally
        {
            SecondThread.Release();
        }
    }

    [Fact]
    public void The_second_threads_exception_reaches_the_caller_and_the_thread_keeps_working()
    {
        Assert.True(SecondThread.TryAcquire());
        try
        {
            var error = Assert.Throws<AggregateException>(() =>
                SecondThread.Run(() => throw new InvalidOperationException("half failed"), () => { }));
            Assert.IsType<InvalidOperationException>(error.InnerException);
            bool ran = false;
            SecondThread.Run(() => ran = true, () => { });
            Assert.True(ran);
        }
        finally
        {
            SecondThread.Release();
        }
    }
}
