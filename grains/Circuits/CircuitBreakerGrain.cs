using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Grains.Diagnostics;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Grains.Placement;
using ApexOrleans.Grains.Tenancy;

namespace ApexOrleans.Grains.Circuits;

/// <summary>
/// Closed → open after <see cref="CircuitBreakerOptions.FailureThreshold"/> consecutive failures; open →
/// half-open when the break is over (on the tenant's clock, recorded at the moment the break ended, not when
/// someone looked); half-open → closed on a good probe, open again (with a longer break) on a bad one.
/// State is written when a reported outcome opens or closes the circuit, so a healthy target costs no storage writes.
/// </summary>
/// <remarks>
/// The failures counted in a row are never stored: they only decide when the circuit opens, and an opening must be borne
/// out by the queue's records of them, which may ride on a later write of the queue's and go with a crash. So the circuit
/// keeps them in memory (a transition stores a count of zero), and a queue that lost records it reported tells its circuit
/// to forget what it counted (<see cref="ForgetUnstoredFailuresAsync"/>): an opening comes only after failures the queue
/// still holds, at worst later. The half-open a permit found before its probe is stored with the probe's outcome, in the
/// same queue turn (or by the deactivation or a reader); a crash that loses it finds the break over again. An opening or a
/// closing is stored before its report is answered.
/// </remarks>
[TenantPlacement]
public sealed class CircuitBreakerGrain([PersistentState("circuit")] IPersistentState<CircuitState> state, MeshTenants tenants, MeshTelemetry telemetry)
    : TenantScopedGrain(tenants), ICircuitBreakerGrain
{
    private CircuitState Circuit => state.State;

    // The count of failures in a row as the store holds it, and whether a permit moved the circuit since its last write.
    private int _storedCount;
    private bool _permitUnstored;

    private CircuitBreakerOptions Options => CurrentTenant.Settings.Circuit;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        _storedCount = Circuit.ConsecutiveFailures;
    }

    /// <inheritdoc />
    /// <remarks>One try to store what no write carried; if it fails, it goes as with a crash.</remarks>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (!_permitUnstored)
        {
            return;
        }

        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The break is found over again, and a probe let through again; the activation's memory goes either way.
        }
    }

    /// <inheritdoc />
    public Task<CircuitPermit> TryAcquireAsync(DateTimeOffset now, string eventId)
    {
        var changed = EndBreakIfOver(now);
        CircuitPermit permit;
        switch (Circuit.Status)
        {
            case CircuitStatus.Closed:
                permit = new CircuitPermit(true, false, null, CircuitStatus.Closed, Circuit.ConsecutiveFailures);
                break;
            case CircuitStatus.HalfOpen when Circuit.ProbesInFlight < Options.HalfOpenProbes || now >= Circuit.ProbeLeaseUntil:
                Circuit.ProbesInFlight = Circuit.ProbeLeaseUntil is { } lease && now >= lease ? 1 : Circuit.ProbesInFlight + 1;
                Circuit.ProbeLeaseUntil = now + CurrentTenant.Settings.Delivery.AttemptTimeout;
                changed = true;
                permit = new CircuitPermit(true, true, null, CircuitStatus.HalfOpen);
                break;
            case CircuitStatus.HalfOpen:
                permit = new CircuitPermit(false, false, Circuit.ProbeLeaseUntil, CircuitStatus.HalfOpen);
                break;
            default:
                permit = new CircuitPermit(false, false, Circuit.OpenUntil, CircuitStatus.Open);
                break;
        }

        _permitUnstored |= changed; // its probe's outcome is reported in the same queue turn, and that report writes
        return Task.FromResult(permit);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CircuitTransition>> RecordAsync(DateTimeOffset now, string eventId, bool succeeded, string? cause)
    {
        var before = Circuit.Transitions.Count;
        var moved = EndBreakIfOver(now);
        if (succeeded)
        {
            if (Circuit.Status == CircuitStatus.HalfOpen)
            {
                Move(now, CircuitStatus.Closed, "probe succeeded", eventId);
                Circuit.Openings = 0;
                moved = true;
            }

            Circuit.ConsecutiveFailures = 0;
        }
        else if (Circuit.Status == CircuitStatus.HalfOpen)
        {
            Open(now, $"probe failed: {cause}", eventId);
            moved = true;
        }
        else if (Circuit.Status == CircuitStatus.Closed)
        {
            Circuit.ConsecutiveFailures++;
            if (Circuit.ConsecutiveFailures >= Options.FailureThreshold)
            {
                Open(now, $"{Circuit.ConsecutiveFailures} consecutive failures; last: {cause}", eventId);
                moved = true;
            }
        }

        if (!moved)
        {
            return [];
        }

        var made = Circuit.Transitions.GetRange(before, Circuit.Transitions.Count - before);
        await StoreAsync();
        return made;
    }

    /// <inheritdoc />
    public Task ForgetUnstoredFailuresAsync()
    {
        Circuit.ConsecutiveFailures = _storedCount;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<CircuitSnapshot> GetAsync()
    {
        if (EndBreakIfOver(CurrentTenant.Clock.GetUtcNow()) || _permitUnstored)
        {
            await StoreAsync(); // a reader sees only what the store took
        }

        return new CircuitSnapshot(Name, Circuit.Status, Circuit.ConsecutiveFailures,
            Circuit.OpenUntil, [.. Circuit.Transitions]);
    }

    /// <summary>Writes the circuit, the count with it; a failed write goes back to the stored circuit, count included.</summary>
    private async Task StoreAsync()
    {
        try
        {
            await state.WriteOrRevertAsync(DeactivateOnIdle);
        }
        finally
        {
            (_storedCount, _permitUnstored) = (Circuit.ConsecutiveFailures, false); // written, or gone back to what the store holds
        }
    }

    private bool EndBreakIfOver(DateTimeOffset now)
    {
        if (Circuit.Status != CircuitStatus.Open || Circuit.OpenUntil is not { } until || now < until)
        {
            return false;
        }

        Move(until, CircuitStatus.HalfOpen, $"break of {Options.BreakAfter(Circuit.Openings)} ended", null);
        Circuit.ProbesInFlight = 0;
        Circuit.ProbeLeaseUntil = null;
        return true;
    }

    private void Open(DateTimeOffset now, string cause, string eventId)
    {
        Circuit.Openings++;
        Circuit.OpenUntil = now + Options.BreakAfter(Circuit.Openings);
        Circuit.ConsecutiveFailures = 0;
        Move(now, CircuitStatus.Open, cause, eventId);
    }

    private void Move(DateTimeOffset at, CircuitStatus to, string cause, string? eventId)
    {
        var transition = new CircuitTransition(at, Circuit.Status, to, cause, eventId);
        Circuit.Transitions.Add(transition);
        Circuit.Status = to;
        telemetry.CircuitMoved(CurrentTenant.Id, Name, transition);
    }
}
