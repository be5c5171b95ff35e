using ApexOrleans.Storage.Hosting;
using ApexOrleans.Storage.Tests.Silo;
using ApexOrleans.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace ApexOrleans.Storage.Tests.Hosting;

/// <summary>The storage as part of a real silo: decorated for grains, and stopped with the silo after the grains' last writes.</summary>
public sealed class SiloLifetimeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task GrainsReachTheStorageThroughTheRegisteredDecorators()
    {
        var log = new List<string>();
        await using var silo = await StorageSilo.StartAsync(GrainStorageChoice.Memory(),
            s => s.Services.AddSingleton<IGrainStorageDecorator>(new RecordingDecorator("chaos", log)));

        await silo.Grains.GetGrain<INoteGrain>("decorated").WriteAsync("through");

        lock (log)
        {
            Assert.Equal([$"chaos read {NoteGrain.StateName}", $"chaos write {NoteGrain.StateName}"], log);
        }
    }

    [Fact]
    public async Task StoppingTheSiloCommitsTheGrainsWritesAndThenStopsTheSqliteWriter()
    {
        var path = _folder.File("stopped.db");
        var silo = await StorageSilo.StartAsync(GrainStorageChoice.Sqlite(path));
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);
        await silo.Grains.GetGrain<INoteGrain>("stopped").WriteAsync("before the stop");

        await silo.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() =>
            storage.WriteStateAsync(NoteGrain.StateName, GrainId.Create(NoteGrain.TypeName, "late"), new GrainState<NoteState>(new NoteState())));
        await using var reader = new SqliteGrainStorage(new SqliteGrainStorageOptions { DataSource = path }, new WebJsonGrainStorageSerializer());
        var read = new GrainState<NoteState>();
        await reader.ReadStateAsync(NoteGrain.StateName, GrainId.Create(NoteGrain.TypeName, "stopped"), read);
        Assert.Equal("before the stop", read.State!.Text);
    }

    public void Dispose() => _folder.Dispose();
}
