using Orleans.Storage;

namespace ApexOrleans.Storage.Tests.Contract;

/// <summary>The guarantees every storage provider keeps; each provider's class runs exactly these assertions.</summary>
public abstract class GrainStorageContract : IAsyncLifetime
{
    private static readonly GrainId Grain = GrainId.Create("ledger", "sarahs-boutique");

    /// <summary>A new provider instance over this test's store: a second instance stands for another process or a restart.</summary>
    protected abstract IGrainStorage CreateStorage();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task MissingStateReadsAsNewWithNoEtag()
    {
        var state = await ReadAsync(CreateStorage(), Grain);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal("", state.State!.Owner);
    }

    [SkippableFact]
    public async Task WrittenStateReadsBackThroughAnotherInstance()
    {
        var written = new GrainState<Ledger> { State = new Ledger { Owner = "Sarah", Balance = 81.00m, Entries = ["inv-001"] } };
        await CreateStorage().WriteStateAsync("ledger", Grain, written);

        var read = await ReadAsync(CreateStorage(), Grain);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("Sarah", read.State!.Owner);
        Assert.Equal(81.00m, read.State!.Balance);
        Assert.Equal(["inv-001"], read.State!.Entries);
    }

    [SkippableFact]
    public async Task WriteWithAStaleEtagThrowsAndStoresNothing()
    {
        var storage = CreateStorage();
        var first = new GrainState<Ledger> { State = new Ledger { Balance = 1 } };
        await storage.WriteStateAsync("ledger", Grain, first);
        var stale = await ReadAsync(storage, Grain);
        first.State!.Balance = 2;
        await storage.WriteStateAsync("ledger", Grain, first);

        stale.State!.Balance = 999;
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("ledger", Grain, stale));

        Assert.Equal(first.ETag, error.StoredEtag);
        Assert.Equal(stale.ETag, error.CurrentEtag);
        Assert.NotEqual(error.CurrentEtag, error.StoredEtag);
        Assert.Contains($"ETag '{stale.ETag}'", error.Message);
        Assert.Contains($"ETag '{first.ETag}'", error.Message);
        Assert.Contains("ledger/sarahs-boutique", error.Message);
        Assert.Equal(2, (await ReadAsync(CreateStorage(), Grain)).State!.Balance);
    }

    [SkippableFact]
    public async Task InsertWithoutEtagOverAnExistingRecordThrows()
    {
        var storage = CreateStorage();
        await storage.WriteStateAsync("ledger", Grain, new GrainState<Ledger> { State = new Ledger { Owner = "first" } });

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync("ledger", Grain, new GrainState<Ledger> { State = new Ledger { Owner = "second" } }));

        Assert.Equal("first", (await ReadAsync(storage, Grain)).State!.Owner);
    }

    [SkippableFact]
    public async Task WriteWithAMalformedEtagThrowsAndStoresNothing()
    {
        var storage = CreateStorage();
        await storage.WriteStateAsync("ledger", Grain, new GrainState<Ledger> { State = new Ledger { Owner = "kept" } });

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync("ledger", Grain, new GrainState<Ledger> { ETag = "not-a-version", State = new Ledger { Owner = "lost" } }));

        Assert.Equal("kept", (await ReadAsync(storage, Grain)).State!.Owner);
    }

    [SkippableFact]
    public async Task OfConcurrentWritersWithTheSameEtagExactlyOneWins()
    {
        var setup = CreateStorage();
        await setup.WriteStateAsync("ledger", Grain, new GrainState<Ledger> { State = new Ledger { Owner = "start" } });
        var storages = Enumerable.Range(0, 4).Select(_ => CreateStorage()).ToList();
        var readers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => ReadAsync(storages[i % 4], Grain)));

        var outcomes = await Task.WhenAll(readers.Select(async (state, i) =>
        {
            state.State!.Owner = $"writer-{i}";
            try
            {
                await storages[i % 4].WriteStateAsync("ledger", Grain, state);
                return $"writer-{i}";
            }
            catch (InconsistentStateException)
            {
                return null;
            }
        }));

        var winner = Assert.Single(outcomes, o => o is not null);
        Assert.Equal(winner, (await ReadAsync(CreateStorage(), Grain)).State!.Owner);
    }

    [SkippableFact]
    public async Task ClearRemovesTheStateAndRetiresEveryEarlierEtag()
    {
        var storage = CreateStorage();
        var state = new GrainState<Ledger> { State = new Ledger { Owner = "to-clear" } };
        await storage.WriteStateAsync("ledger", Grain, state);
        var beforeClear = await ReadAsync(storage, Grain);

        await storage.ClearStateAsync("ledger", Grain, state);
        var afterClear = await ReadAsync(CreateStorage(), Grain);

        Assert.False(state.RecordExists);
        Assert.Equal("", state.State!.Owner);
        Assert.False(afterClear.RecordExists);
        Assert.Equal(state.ETag, afterClear.ETag);
        Assert.NotEqual(beforeClear.ETag, afterClear.ETag);
        beforeClear.State!.Owner = "resurrected";
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("ledger", Grain, beforeClear));
        afterClear.State!.Owner = "second life";
        await storage.WriteStateAsync("ledger", Grain, afterClear);
        Assert.Equal("second life", (await ReadAsync(storage, Grain)).State!.Owner);
    }

    [SkippableFact]
    public async Task ClearingWhatWasNeverStoredIsANoOp()
    {
        var state = new GrainState<Ledger>();

        await CreateStorage().ClearStateAsync("ledger", Grain, state);

        Assert.Null(state.ETag);
        Assert.False((await ReadAsync(CreateStorage(), Grain)).RecordExists);
    }

    [SkippableFact]
    public async Task StatesAreKeyedByGrainTypeKeyAndStateName()
    {
        var storage = CreateStorage();
        GrainId[] grains = [GrainId.Create("ledger", "a"), GrainId.Create("ledger", "b"), GrainId.Create("other", "a")];
        foreach (var grain in grains)
        {
            await storage.WriteStateAsync("ledger", grain, new GrainState<Ledger> { State = new Ledger { Owner = grain.ToString() } });
        }

        await storage.WriteStateAsync("second", grains[0], new GrainState<Ledger> { State = new Ledger { Owner = "second-state" } });

        foreach (var grain in grains)
        {
            Assert.Equal(grain.ToString(), (await ReadAsync(storage, grain)).State!.Owner);
        }

        Assert.Equal("second-state", (await ReadAsync(storage, grains[0], "second")).State!.Owner);
    }

    [SkippableFact]
    public async Task UnusualKeysAndPayloadsRoundTrip()
    {
        var storage = CreateStorage();
        string[] keys = ["inv-001'; DROP TABLE grain_state; --", "Zoë/ünïcødé/✓", new string('k', 1000), "  spaced  ", "\"quoted\""];
        foreach (var key in keys)
        {
            var payload = new Ledger { Owner = key, Entries = ["line\nbreak", "tab\t", "{\"json\":true}", "emoji 🧾"] };
            await storage.WriteStateAsync("ledger", GrainId.Create("ledger", key), new GrainState<Ledger> { State = payload });
        }

        foreach (var key in keys)
        {
            var read = await ReadAsync(CreateStorage(), GrainId.Create("ledger", key));
            Assert.Equal(key, read.State!.Owner);
            Assert.Equal(["line\nbreak", "tab\t", "{\"json\":true}", "emoji 🧾"], read.State!.Entries);
        }
    }

    [SkippableFact]
    public async Task SchemaCreationIsSafeForManyInstancesStartingAtOnce()
    {
        // Eight fresh instances race to create the schema on first use and each write its own record.
        var storages = Enumerable.Range(0, 8).Select(_ => CreateStorage()).ToList();

        await Task.WhenAll(storages.Select((storage, i) => Task.Run(() =>
            storage.WriteStateAsync("ledger", GrainId.Create("ledger", $"racer-{i}"), new GrainState<Ledger> { State = new Ledger { Owner = $"racer-{i}" } }))));

        for (var i = 0; i < storages.Count; i++)
        {
            Assert.Equal($"racer-{i}", (await ReadAsync(CreateStorage(), GrainId.Create("ledger", $"racer-{i}"))).State!.Owner);
        }
    }

    [SkippableFact]
    public async Task PolymorphicStateAndControlCharactersRoundTripExactly()
    {
        // A store that rewrites the JSON text (reordered keys, refused \u0000) breaks these.
        var storage = CreateStorage();
        var drawing = new Drawing { Shape = new Circle { Id = 7, Radius = 2.5 }, Note = "a\0b\u0001c" };
        await storage.WriteStateAsync("drawing", Grain, new GrainState<Drawing> { State = drawing });

        var read = new GrainState<Drawing>();
        await CreateStorage().ReadStateAsync("drawing", Grain, read);

        Assert.Equal(2.5, Assert.IsType<Circle>(read.State!.Shape).Radius);
        Assert.Equal(7, read.State!.Shape.Id);
        Assert.Equal("a\0b\u0001c", read.State!.Note);
    }

    [SkippableFact]
    public async Task ManyGrainsWritingAtOnceAreEachDurableAndAStaleWriteAmongThemFailsAlone()
    {
        var storage = CreateStorage();
        var stale = new GrainState<Ledger> { State = new Ledger { Owner = "first" } };
        await storage.WriteStateAsync("ledger", Grain, stale);
        await storage.WriteStateAsync("ledger", Grain, new GrainState<Ledger> { State = new Ledger { Owner = "second" }, ETag = stale.ETag, RecordExists = true });

        // 200 grains write at the same moment (a group commit takes them together) and one of them holds a stale ETag.
        var writes = Enumerable.Range(0, 200).Select(i => storage.WriteStateAsync("ledger", GrainId.Create("ledger", $"tenant-{i}"),
            new GrainState<Ledger> { State = new Ledger { Owner = $"owner-{i}", Balance = i } })).ToList();
        stale.State!.Owner = "lost update";
        var staleWrite = Task.Run(() => storage.WriteStateAsync("ledger", Grain, stale));
        await Task.WhenAll(writes);

        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        Assert.Equal("second", (await ReadAsync(CreateStorage(), Grain)).State!.Owner);
        var reader = CreateStorage();
        for (var i = 0; i < 200; i++)
        {
            var read = await ReadAsync(reader, GrainId.Create("ledger", $"tenant-{i}"));
            Assert.Equal(($"owner-{i}", (decimal)i), (read.State!.Owner, read.State!.Balance));
        }

        AssertGroupedWrites(storage);
    }

    [SkippableFact]
    public async Task AStateTypeWithoutAParameterlessConstructorReadsAsOrleansWouldMakeItAndRoundTrips()
    {
        var missing = new GrainState<Tally>();
        await CreateStorage().ReadStateAsync("tally", Grain, missing);

        Assert.False(missing.RecordExists);
        Assert.NotNull(missing.State);
        Assert.Equal(0, missing.State!.Count);

        await CreateStorage().WriteStateAsync("tally", Grain, new GrainState<Tally>(new Tally(3, "three")));
        var read = new GrainState<Tally>();
        await CreateStorage().ReadStateAsync("tally", Grain, read);
        Assert.Equal(new Tally(3, "three"), read.State);
    }

    [SkippableFact]
    public async Task AStoredJsonNullReadsAsANewStateThatExists()
    {
        // A state written as null (Orleans allows it) comes back as a new state, as Orleans' own providers do.
        await CreateStorage().WriteStateAsync("ledger", Grain, new GrainState<Ledger> { State = null! });

        var read = await ReadAsync(CreateStorage(), Grain);

        Assert.True(read.RecordExists);
        Assert.Equal("", read.State!.Owner);
    }

    /// <summary>A provider that groups writes shows it here; the memory provider has nothing to group.</summary>
    protected virtual void AssertGroupedWrites(IGrainStorage storage)
    {
    }

    private static async Task<GrainState<Ledger>> ReadAsync(IGrainStorage storage, GrainId grain, string stateName = "ledger")
    {
        var state = new GrainState<Ledger>();
        await storage.ReadStateAsync(stateName, grain, state);
        return state;
    }
}
