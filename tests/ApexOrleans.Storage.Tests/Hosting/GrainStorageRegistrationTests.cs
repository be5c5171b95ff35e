using System.Text.Json;
using ApexOrleans.Storage.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace ApexOrleans.Storage.Tests.Hosting;

/// <summary>What AddMeshGrainStorage puts in a silo's services, checked on the services alone.</summary>
public sealed class GrainStorageRegistrationTests
{
    private static readonly GrainId Grain = GrainId.Create("ledger", "a");

    [Fact]
    public async Task DecoratorsWrapTheProviderInRegistrationOrderAndTheDefaultIsAlsoTheUnkeyedStorage()
    {
        var log = new List<string>();
        var services = new ServiceCollection();
        services.AddSingleton<IGrainStorageDecorator>(new RecordingDecorator("first", log));
        services.AddSingleton<IGrainStorageDecorator>(new RecordingDecorator("second", log));
        services.AddMeshGrainStorage(GrainStorageChoice.Memory());
        await using var provider = services.BuildServiceProvider();

        var storage = provider.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);
        await storage.WriteStateAsync("ledger", Grain, new GrainState<Contract.Ledger>(new Contract.Ledger()));

        var outer = Assert.IsType<RecordingStorage>(storage);
        var inner = Assert.IsType<RecordingStorage>(outer.Inner);
        Assert.IsType<MemoryGrainStorage>(inner.Inner);
        Assert.Equal(["second write ledger", "first write ledger"], log);
        Assert.Same(storage, provider.GetRequiredService<IGrainStorage>());
    }

    [Fact]
    public async Task ProvidersUnderOtherNamesAreKeyedByTheirNameAndKeepTheirOwnState()
    {
        var services = new ServiceCollection();
        services.AddMeshGrainStorage(GrainStorageChoice.Memory());
        services.AddMeshGrainStorage(GrainStorageChoice.Memory(), "archive");
        await using var provider = services.BuildServiceProvider();
        var archive = provider.GetRequiredKeyedService<IGrainStorage>("archive");
        await archive.WriteStateAsync("ledger", Grain, new GrainState<Contract.Ledger>(new Contract.Ledger { Owner = "archived" }));

        var fromDefault = new GrainState<Contract.Ledger>();
        await provider.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default).ReadStateAsync("ledger", Grain, fromDefault);
        var fromArchive = new GrainState<Contract.Ledger>();
        await archive.ReadStateAsync("ledger", Grain, fromArchive);

        Assert.False(fromDefault.RecordExists);
        Assert.Equal("archived", fromArchive.State!.Owner);
    }

    [Fact]
    public async Task TheStateIsWebJsonUnlessASerializerIsGivenByTheChoiceOrUnderTheProvidersName()
    {
        var upper = new WebJsonGrainStorageSerializer(new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseUpper });
        var pascal = new WebJsonGrainStorageSerializer(new JsonSerializerOptions());

        Assert.Equal("""{"owner":"x","balance":0,"entries":[]}""", await StoredTextAsync(chosen: null, keyed: null));
        Assert.Equal("""{"OWNER":"x","BALANCE":0,"ENTRIES":[]}""", await StoredTextAsync(chosen: null, keyed: upper));
        Assert.Equal("""{"Owner":"x","Balance":0,"Entries":[]}""", await StoredTextAsync(chosen: pascal, keyed: upper));
    }

    /// <summary>The text a memory provider stores, given the choice's serializer and the one keyed under its name.</summary>
    private static async Task<string> StoredTextAsync(IGrainStorageSerializer? chosen, IGrainStorageSerializer? keyed)
    {
        var store = new MemoryGrainStore();
        var services = new ServiceCollection();
        if (keyed is not null)
        {
            services.AddKeyedSingleton(GrainStorageNames.Default, keyed);
        }

        services.AddMeshGrainStorage(GrainStorageChoice.Memory(store) with { Serializer = chosen });
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default)
            .WriteStateAsync("ledger", Grain, new GrainState<Contract.Ledger>(new Contract.Ledger { Owner = "x" }));
        return System.Text.Encoding.UTF8.GetString(store.Read(Grain, "ledger")!.Value.Payload!);
    }

    [Fact]
    public async Task DisposingTheServicesStopsTheSqliteWriterEvenWhenDisposedSynchronously()
    {
        using var folder = new TestSupport.TempFolder();
        var services = new ServiceCollection();
        services.AddMeshGrainStorage(GrainStorageChoice.Sqlite(folder.File("sync.db")));
        var provider = services.BuildServiceProvider();
        var storage = provider.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);
        await storage.WriteStateAsync("ledger", Grain, new GrainState<Contract.Ledger>(new Contract.Ledger { Owner = "kept" }));

        provider.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() =>
            storage.WriteStateAsync("ledger", GrainId.Create("ledger", "late"), new GrainState<Contract.Ledger>(new Contract.Ledger())));
    }

    [Theory]
    [InlineData("memory", null, "memory")]
    [InlineData("sqlite", null, "sqlite")]
    [InlineData("sqlite", "other.db", "sqlite")]
    [InlineData("postgres", "Host=127.0.0.1", "postgres")]
    [InlineData("postgres-batched", "Host=127.0.0.1", "postgres-batched")]
    public void NamedChoicesAreTheKindTheyName(string kind, string? database, string expected) =>
        Assert.Equal(expected, GrainStorageChoice.Named(kind, database, "apex.db").Kind);

    [Fact]
    public void PostgresIsOrleansAdoNetProviderAndTheDecoratorsWrapIt()
    {
        var log = new List<string>();
        var services = new ServiceCollection();
        services.AddSerializer();
        services.AddSingleton<IGrainStorageDecorator>(new RecordingDecorator("chaos", log));
        services.AddMeshGrainStorage(GrainStorageChoice.Named("postgres", "Host=127.0.0.1;Port=1", "apex.db"));
        using var provider = services.BuildServiceProvider();

        var storage = Assert.IsType<RecordingStorage>(provider.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default));

        Assert.IsType<ApexOrleans.Storage.AdoNet.AdoNetPostgresGrainStorage>(storage.Inner);
    }

    [Fact]
    public void AnUnknownKindIsRefusedNamingTheKindsThereAre()
    {
        var refused = Assert.Throws<ArgumentException>(() => GrainStorageChoice.Named("redis", null, "apex.db"));

        Assert.Contains("memory, sqlite, postgres or postgres-batched", refused.Message);
    }
}
