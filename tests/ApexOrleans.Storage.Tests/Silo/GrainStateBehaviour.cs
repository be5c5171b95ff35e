using ApexOrleans.Storage.Hosting;
using ApexOrleans.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace ApexOrleans.Storage.Tests.Silo;

/// <summary>Persistent state as a grain sees it, through a real Orleans silo, on each storage provider.</summary>
public abstract class GrainStateBehaviour
{
    protected abstract GrainStorageChoice Storage { get; }

    [SkippableFact]
    public async Task StateWrittenBeforeARestartIsReadBackAfterIt()
    {
        string? etag;
        await using (var silo = await StorageSilo.StartAsync(Storage))
        {
            var note = silo.Grains.GetGrain<INoteGrain>("restart");
            await note.WriteAsync("first");
            await note.WriteAsync("second");
            etag = await note.EtagAsync();
        }

        await using var restarted = await StorageSilo.StartAsync(Storage);
        var reloaded = restarted.Grains.GetGrain<INoteGrain>("restart");
        Assert.Equal("second", await reloaded.ReadAsync());
        Assert.Equal(2, await reloaded.HistoryCountAsync());
        Assert.NotNull(etag);
        Assert.Equal(etag, await reloaded.EtagAsync());
    }

    [SkippableFact]
    public async Task AWriteBasedOnAStaleEtagFailsInTheGrainAndStoresNothing()
    {
        await using var silo = await StorageSilo.StartAsync(Storage);
        var note = silo.Grains.GetGrain<INoteGrain>("contested");
        await note.WriteAsync("mine");
        var outsideWriter = silo.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);
        var grainId = GrainId.Create(NoteGrain.TypeName, "contested");
        var outside = new GrainState<NoteState>();
        await outsideWriter.ReadStateAsync(NoteGrain.StateName, grainId, outside);
        outside.State!.Text = "theirs";
        await outsideWriter.WriteStateAsync(NoteGrain.StateName, grainId, outside);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => note.WriteAsync("mine again"));

        Assert.Equal(outside.ETag, error.StoredEtag);
        Assert.Contains(grainId.ToString(), error.Message);
        var stored = new GrainState<NoteState>();
        await outsideWriter.ReadStateAsync(NoteGrain.StateName, grainId, stored);
        Assert.Equal("theirs", stored.State!.Text);
        await note.ReloadAsync();
        Assert.Equal("theirs", await note.ReadAsync());
        await note.WriteAsync("after reload");
        Assert.Equal("after reload", await note.ReadAsync());
    }

    [SkippableFact]
    public async Task ClearedStateStaysClearedAcrossARestart()
    {
        await using (var silo = await StorageSilo.StartAsync(Storage))
        {
            var note = silo.Grains.GetGrain<INoteGrain>("cleared");
            await note.WriteAsync("temporary");
            await note.ClearAsync();
        }

        await using var restarted = await StorageSilo.StartAsync(Storage);
        Assert.Equal("", await restarted.Grains.GetGrain<INoteGrain>("cleared").ReadAsync());
        Assert.Equal(0, await restarted.Grains.GetGrain<INoteGrain>("cleared").HistoryCountAsync());
    }
}

public sealed class MemoryGrainState : GrainStateBehaviour
{
    protected override GrainStorageChoice Storage { get; } = GrainStorageChoice.Memory();
}

public sealed class SqliteGrainState : GrainStateBehaviour, IDisposable
{
    private readonly TempFolder _folder = new();

    protected override GrainStorageChoice Storage => GrainStorageChoice.Sqlite(_folder.File("state.db"));

    public void Dispose() => _folder.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class AdoNetPostgresGrainState(PostgresFixture postgres) : GrainStateBehaviour, IAsyncLifetime
{
    private readonly Lazy<(string ConnectionString, string Schema)> _database = new(() =>
        (AdoNet.AdoNetPostgres.FreshSchema(postgres, out var schema), schema));

    protected override GrainStorageChoice Storage => GrainStorageChoice.PostgresAdoNet(_database.Value.ConnectionString);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_database.IsValueCreated)
        {
            await AdoNet.AdoNetPostgres.DropSchemaAsync(postgres, _database.Value.Schema);
        }
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainState(PostgresFixture postgres) : GrainStateBehaviour
{
    private readonly string _schema = PostgresFixture.NewSchemaName();

    protected override GrainStorageChoice Storage => GrainStorageChoice.Postgres(postgres.ConnectionString, _schema);
}
