using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Placement;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;
using ApexOrleans.Grains.Publishing;

namespace ApexOrleans.Grains.Tenancy;

/// <summary>
/// A tenant's own grain, on the silo that hosts all of the tenant's grains. It configures the tenant in that silo's
/// memory, keeps the run's settings and the clock's progress in storage so that another silo can take the tenant up,
/// and runs the tenant's timeline when the runner advances the clock. The record is an aid to a silo taking the tenant
/// up, never on a run's path: it is read only when this silo does not hold the tenant, and a run goes on when storage
/// cannot read or write it (a storage outage must not stop tenants from starting).
/// Kept alive until the tenant is retired: the tenant's other grains are placed where it is active.
/// </summary>
[TenantPlacement, KeepAlive]
public sealed class TenantGrain(MeshTenants tenants, MeshGateway gateway, TimeProvider wallClock) : Grain, ITenantGrain
{
    private const string StateName = "tenant";
    private GrainState<TenantRecord> _record = new(new TenantRecord());
    private bool _recordRead;
    private Task<bool>? _reading; // one read per activation, shared by interleaved calls
    private bool _awaitsResume; // configured again over a run's record: its queues sleep until the runner resumes it
    private bool _retiring;

    private string Id => this.GetPrimaryKeyString();

    private IGrainStorage Storage => ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);

    /// <inheritdoc />
    public async Task<bool> ConfigureAsync(RunSettings settings)
    {
        if (tenants.IsConfigured(Id))
        {
            return false;
        }

        Tenant tenant;
        try
        {
            tenant = tenants.Configure(Id, TenantSettings.For(settings, wallClock));
        }
        catch (InvalidOperationException)
        {
            return false; // configured by a concurrent call a moment ago: the same outcome
        }

        await ReadRecordAsync(); // for its ETag: the write replaces it
        _awaitsResume = _record.State!.Settings is not null; // a run known before: after a restart or a lost silo
        _record.State = new TenantRecord { Settings = settings };
        await RecordClockAsync(tenant);
        return true;
    }

    /// <inheritdoc />
    public async Task ResumeAsync(long sequence)
    {
        try
        {
            var tenant = await AttachedAsync();
            tenant.ObserveSequence(sequence);
            await gateway.ResumeAsync(Id);
            if (tenant.Timeline.IsVirtual)
            {
                // What woke up due by now (outbox entries whose acknowledgement a crash lost, say) runs before the runner goes
                // on, as it had before the crash: a read right after the resume must not find them still waiting.
                await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow());
            }

            _awaitsResume = false;
        }
        catch
        {
            _awaitsResume = true; // refused to the runner's clock calls until a resume gets through
            throw;
        }
    }

    /// <inheritdoc />
    public Task<bool> AwaitsResumeAsync() => Task.FromResult(_awaitsResume);

    /// <inheritdoc />
    public Task<bool> IsConfiguredAsync()
    {
        if (!tenants.TryGet(Id, out _))
        {
            DeactivateOnIdle(); // a probe of an unknown or retired run leaves no activation behind (the grain is kept alive)
        }

        return Task.FromResult(tenants.IsConfigured(Id));
    }

    /// <inheritdoc />
    public async Task AttachAsync() => await AttachedAsync();

    /// <inheritdoc />
    public async Task<DateTimeOffset> NowAsync() => (await HeldAsync()).Clock.GetUtcNow();

    /// <inheritdoc />
    public async Task<DateTimeOffset> AdvanceAsync(DateTimeOffset until)
    {
        var tenant = await HeldAsync();
        if (tenant.Timeline.IsVirtual)
        {
            await tenant.Timeline.RunUntilAsync(until);
            await RecordClockAsync(tenant);
        }

        return tenant.Clock.GetUtcNow();
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset> SettleAsync(DateTimeOffset limit)
    {
        var tenant = await HeldAsync();
        await tenant.Timeline.SettleAsync(limit);
        await RecordClockAsync(tenant);
        return tenant.Clock.GetUtcNow();
    }

    /// <inheritdoc />
    public async Task<bool> RetireAsync()
    {
        _retiring = true; // from here on nothing takes the tenant up again, also a grain activating meanwhile
        var retired = await tenants.RetireAsync(Id);
        await ReadRecordAsync();
        if (_record.RecordExists)
        {
            await Storage.ClearStateAsync(StateName, this.GetGrainId(), _record); // a retired run is never taken up again
        }

        DeactivateOnIdle();
        return retired;
    }

    /// <summary>
    /// The tenant in this silo's memory. One this silo does not hold yet, whose run configured it on a silo that left (or
    /// before a restart), is taken up from its record with the run's settings, its clock where it was last recorded (a real
    /// clock gone on since). Taken up, not configured: the runner's create with <c>resume</c> still configures it and
    /// wakes its queues, as after a restart.
    /// </summary>
    private async Task<Tenant> AttachedAsync()
    {
        if (!_retiring && !tenants.TryGet(Id, out _) && await ReadRecordAsync() && _record.State!.Settings is { } settings)
        {
            var now = settings.Clock == RunClock.Virtual
                ? _record.State.ClockAt
                : _record.State.ClockAt + (wallClock.GetUtcNow() - _record.State.WallAt) * settings.TimeScale;
            return tenants.TakeUp(Id, TenantSettings.For(settings with { ClockStart = now }, wallClock));
        }

        return tenants.Get(Id);
    }

    /// <summary>
    /// The tenant as its run drives it. One a run configured elsewhere, only taken up here, is refused: advancing its clock
    /// without waking its queues would leave their work undone (<see cref="TenantNotHeldException"/>).
    /// </summary>
    private async Task<Tenant> HeldAsync()
    {
        var tenant = await AttachedAsync();
        if (_awaitsResume)
        {
            throw new TenantNotHeldException(Id);
        }

        if (tenant.Configured || !await ReadRecordAsync())
        {
            return tenant; // configured here, or storage cannot say otherwise
        }

        return _record.State!.Settings is null ? tenant : throw new TenantNotHeldException(Id);
    }

    /// <summary>Reads the record once per activation; false when storage did not answer (then there is nothing to take up).</summary>
    private async Task<bool> ReadRecordAsync()
    {
        if (_recordRead)
        {
            return true;
        }

        var reading = _reading ??= ReadOnceAsync();
        try
        {
            return await reading;
        }
        finally
        {
            if (_reading == reading)
            {
                _reading = null; // a failed read is tried again by the next call
            }
        }
    }

    private async Task<bool> ReadOnceAsync()
    {
        try
        {
            var read = new GrainState<TenantRecord>(new TenantRecord());
            await Storage.ReadStateAsync(StateName, this.GetGrainId(), read);
            if (!_recordRead)
            {
                _record = read; // never over a record this activation has written since
                _recordRead = true;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Storage is down: a tenant this silo holds runs on; one it does not hold starts with what its run configures.
        }

        return _recordRead;
    }

    private async Task RecordClockAsync(Tenant tenant)
    {
        if (_record.State!.Settings is null)
        {
            return; // a tenant no run configured (the default tenant) keeps nothing
        }

        _record.State.ClockAt = tenant.Clock.GetUtcNow();
        _record.State.WallAt = wallClock.GetUtcNow();
        try
        {
            if (!_recordRead && !await ReadRecordEtagAsync())
            {
                return;
            }

            await Storage.WriteStateAsync(StateName, this.GetGrainId(), _record);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The clock's progress only matters to a silo taking the tenant up; a run goes on while storage is down, and
            // the next advance records it again (after reading the stored ETag afresh).
            _recordRead = false;
        }
    }

    /// <summary>Takes the stored record's ETag (and whether it exists) without its content, which this activation has newer.</summary>
    private async Task<bool> ReadRecordEtagAsync()
    {
        var stored = new GrainState<TenantRecord>(new TenantRecord());
        await Storage.ReadStateAsync(StateName, this.GetGrainId(), stored);
        (_record.ETag, _record.RecordExists, _recordRead) = (stored.ETag, stored.RecordExists, true);
        return true;
    }
}
