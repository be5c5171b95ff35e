
namespace ApexOrleans.Grains.Persistence;

/// <summary>
/// Mesh grains change their state in memory, then write it. If the write fails, memory is ahead of the store:
/// a retry would find its own unstored effect and answer "duplicate". So a failed write of a key, a circuit or an app
/// reloads the last durable state before the error goes back to the caller, and the caller's retry starts from the truth.
/// A queue is the exception (see <c>QueueJournal</c>): its changes record what other grains did, so it keeps them.
/// </summary>
public static class DurableWrites
{
    /// <summary>Writes the state; on failure reloads it from the store (or, if that fails too, asks to be deactivated) and rethrows.</summary>
    public static async Task WriteOrRevertAsync<TState>(this IPersistentState<TState> state, Action deactivate) where TState : new()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            await state.RevertAsync(deactivate);
            throw;
        }
    }

    /// <summary>
    /// Drops changes made in memory since the last write by reloading the durable state (or, if the store does not
    /// answer, asks to be deactivated so the next activation loads it). For any failure between change and write.
    /// </summary>
    public static async Task RevertAsync<TState>(this IPersistentState<TState> state, Action deactivate) where TState : new()
    {
        try
        {
            await state.ReadStateAsync();
        }
        catch
        {
            deactivate();
        }
    }

    /// <summary>As <see cref="RevertAsync{TState}(IPersistentState{TState}, Action)"/>, for a journaled state.</summary>
    public static async Task RevertAsync<TState, TEntry>(this StateJournal<TState, TEntry> journal, Action deactivate) where TState : class, new()
    {
        try
        {
            await journal.ReadAsync();
        }
        catch
        {
            deactivate();
        }
    }
}
