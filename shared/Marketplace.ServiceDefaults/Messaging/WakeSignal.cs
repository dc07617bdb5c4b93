namespace Marketplace.ServiceDefaults.Messaging;

/// <summary>
/// Wakes a relay loop (the outbox's, the job intents', tasks' approval publisher) when something in this process wrote
/// work for it; at most one wake-up waits. The loops still poll, for work other instances leave after a crash.
/// </summary>
public sealed class WakeSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { }
        }
    }

    /// <returns>true when woken, false when the timeout passed.</returns>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
