using ApexOrleans.Runtime.Hosting;
using ApexOrleans.Runtime.Storage;
using ApexOrleans.Runtime.Tests.Grains;
using ApexOrleans.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Runtime.Tests.Storage;

/// <summary>Persistent state as a grain sees it, through a silo, on each storage provider.</summary>
public abstract class GrainStateBehaviour
{
    protected abstract GrainStorageChoice Storage { get; }

    [SkippableFact]
    public async Task StateWrittenBeforeARestartIsReadBackAfterIt()
    {
        await using var silo = await RuntimeSilo.StartAsync(Storage);
        var note = silo.Grains.GetGrain<INoteGrain>("restart");
        await note.WriteAsync("first");
        await note.WriteAsync("second");
        var etag = await note.EtagAsync();

        await silo.Cluster.RestartAsync();

        var reloaded = silo.Grains.GetGrain<INoteGrain>("restart");
        Assert.Equal("second", await reloaded.ReadAsync());
        Assert.Equal(2, await reloaded.HistoryCountAsync());
        Assert.Equal(etag, await reloaded.EtagAsync());
    }

    [SkippableFact]
    public async Task AWriteBasedOnAStaleEtagFailsInTheGrainAndStoresNothing()
    {
        await using var silo = await RuntimeSilo.StartAsync(Storage);
        var note = silo.Grains.GetGrain<INoteGrain>("contested");
        await note.WriteAsync("mine");
        var outsideWriter = silo.Cluster.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);
        var outside = new GrainState<NoteState>();
        await outsideWriter.ReadStateAsync("note", new GrainId("note", "contested"), outside);
        outside.State.Text = "theirs";
        await outsideWriter.WriteStateAsync("note", new GrainId("note", "contested"), outside);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => note.WriteAsync("mine again"));

        Assert.Equal(new GrainId("note", "contested"), error.GrainId);
        var stored = new GrainState<NoteState>();
        await outsideWriter.ReadStateAsync("note", new GrainId("note", "contested"), stored);
        Assert.Equal("theirs", stored.State.Text);
        await note.ReloadAsync();
        Assert.Equal("theirs", await note.ReadAsync());
        await note.WriteAsync("after reload");
        Assert.Equal("after reload", await note.ReadAsync());
    }

    [SkippableFact]
    public async Task ClearedStateStaysClearedAcrossARestart()
    {
        await using var silo = await RuntimeSilo.StartAsync(Storage);
        var note = silo.Grains.GetGrain<INoteGrain>("cleared");
        await note.WriteAsync("temporary");
        await note.ClearAsync();

        await silo.Cluster.RestartAsync();

        Assert.Equal("", await silo.Grains.GetGrain<INoteGrain>("cleared").ReadAsync());
        Assert.Equal(0, await silo.Grains.GetGrain<INoteGrain>("cleared").HistoryCountAsync());
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
public sealed class PostgresGrainState(PostgresFixture postgres) : GrainStateBehaviour
{
    private readonly string _schema = PostgresFixture.NewSchemaName();

    protected override GrainStorageChoice Storage => GrainStorageChoice.Postgres(postgres.ConnectionString, _schema);
}
