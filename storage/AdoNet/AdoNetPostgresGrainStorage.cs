using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace ApexOrleans.Storage.AdoNet;

/// <summary>
/// Grain state in PostgreSQL through Orleans' own ADO.NET provider (<c>Microsoft.Orleans.Persistence.AdoNet</c>, Npgsql),
/// on the schema <see cref="OrleansPostgresSchema"/> sets up. Adds what the mesh's storage contract needs and that provider
/// lacks: rows keyed by the whole grain id (<see cref="AdoNetGrainIdentity"/>), and ETag conflicts that say which ETag is stored.
/// </summary>
/// <remarks>
/// Set up and initialised on first use, and tried at silo start: a silo whose database is down still starts (and reports
/// itself not ready), as it does on the project's other providers.
/// </remarks>
public sealed partial class AdoNetPostgresGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _connectionString;
    private readonly string _name;
    private readonly AdoNetGrainStorage _inner;
    private readonly ProviderLifecycle _innerLifecycle = new();
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private readonly ILogger _logger;
    private volatile bool _initialized;

    private AdoNetPostgresGrainStorage(string connectionString, string name, AdoNetGrainStorage inner, ILogger logger)
    {
        _connectionString = connectionString;
        _name = name;
        _inner = inner;
        _logger = logger;
        inner.Participate(_innerLifecycle);
    }

    /// <summary>
    /// Creates the provider named <paramref name="name"/> from the silo's services (Orleans' activators, logging and
    /// <see cref="ClusterOptions.ServiceId"/>, which is part of every row's key), storing state with <paramref name="serializer"/>.
    /// </summary>
    public static AdoNetPostgresGrainStorage Create(IServiceProvider services, string name, string connectionString, IGrainStorageSerializer serializer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new AdoNetGrainStorageOptions
        {
            Invariant = OrleansPostgresSchema.Invariant,
            ConnectionString = connectionString,
            GrainStorageSerializer = serializer,
            HashPicker = new StorageHasherPicker([new OrleansDefaultHasher()]),
        };
        var loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var inner = new AdoNetGrainStorage(services.GetRequiredService<IActivatorProvider>(), loggers.CreateLogger<AdoNetGrainStorage>(),
            Options.Create(options), services.GetService<IOptions<ClusterOptions>>() ?? Options.Create(new ClusterOptions()), name);
        return new AdoNetPostgresGrainStorage(connectionString, name, inner, loggers.CreateLogger<AdoNetPostgresGrainStorage>());
    }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{nameof(AdoNetPostgresGrainStorage)}.{_name}", ServiceLifecycleStage.RuntimeStorageServices, TryInitializeAsync);

    /// <summary>Sets up the schema and initialises Orleans' provider, once; a failed try is tried again on the next call.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_initialized)
        {
            return;
        }

        await _initGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                await OrleansPostgresSchema.EnsureAsync(_connectionString, cancellationToken).ConfigureAwait(false);
                await _innerLifecycle.StartAsync(cancellationToken).ConfigureAwait(false);
                _initialized = true;
            }
        }
        finally
        {
            _initGate.Release();
        }
    }

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await InitializeAsync().ConfigureAwait(false);
        await _inner.ReadStateAsync(stateName, AdoNetGrainIdentity.Of(grainId), grainState).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await InitializeAsync().ConfigureAwait(false);
        await RefuseMalformedEtagAsync(stateName, grainId, grainState.ETag).ConfigureAwait(false);
        try
        {
            await _inner.WriteStateAsync(stateName, AdoNetGrainIdentity.Of(grainId), grainState).ConfigureAwait(false);
        }
        catch (InconsistentStateException conflict) when (conflict.StoredEtag is null)
        {
            throw await ConflictAsync<T>(stateName, grainId, grainState.ETag, conflict).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await InitializeAsync().ConfigureAwait(false);
        await RefuseMalformedEtagAsync(stateName, grainId, grainState.ETag).ConfigureAwait(false);
        try
        {
            await _inner.ClearStateAsync(stateName, AdoNetGrainIdentity.Of(grainId), grainState).ConfigureAwait(false);
        }
        catch (InconsistentStateException conflict) when (conflict.StoredEtag is null)
        {
            throw await ConflictAsync<T>(stateName, grainId, grainState.ETag, conflict).ConfigureAwait(false);
        }
    }

    private async Task TryInitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNotReadyAtStart(e, _name);
        }
    }

    /// <summary>Orleans' provider would throw a FormatException for an ETag it did not make; to a grain that is a conflict.</summary>
    private async Task RefuseMalformedEtagAsync(string stateName, GrainId grainId, string? etag)
    {
        if (!string.IsNullOrWhiteSpace(etag) && !int.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw await ConflictAsync<object>(stateName, grainId, etag, cause: null).ConfigureAwait(false);
        }
    }

    /// <summary>The conflict as every provider of the project reports it: with the ETag the store holds now.</summary>
    private async Task<InconsistentStateException> ConflictAsync<T>(string stateName, GrainId grainId, string? etag, InconsistentStateException? cause)
    {
        var stored = new GrainState<T>();
        try
        {
            await _inner.ReadStateAsync(stateName, AdoNetGrainIdentity.Of(grainId), stored).ConfigureAwait(false);
        }
        catch (Exception) when (cause is not null)
        {
            return cause; // the stored row cannot be read back: Orleans' own report is all there is
        }

        return EtagConflict.Of(grainId, stateName, etag, stored.ETag);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain storage {Name}: PostgreSQL could not be set up at silo start; it is tried again on first use.")]
    private partial void LogNotReadyAtStart(Exception exception, string name);
}
