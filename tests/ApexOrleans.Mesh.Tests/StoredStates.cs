using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Books;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Deliveries;
using ApexOrleans.Grains.Persistence;
using Orleans.Storage;

namespace ApexOrleans.Mesh.Tests;

/// <summary>Mesh states as the store holds them: journals replayed, as the grains' next activations would replay them.</summary>
internal static class StoredStates
{
    private static readonly AppCatalog Catalog = AppCatalog.Load(AppCatalog.DefaultPath);

    /// <summary>Reads the books of <paramref name="app"/> of <paramref name="tenant"/> from <paramref name="storage"/>.</summary>
    public static async Task<AppState> BooksAsync(IGrainStorage storage, string tenant, string app)
    {
        var ledger = new AppLedger(Catalog.Find(app)!, Catalog, new ReactionCatalog(Catalog, ReactionCatalog.BuiltIn));
        var journal = AppGrain.Journal(storage, GrainId.Create("app", $"{tenant}/{app}"), ledger, new StateJournalOptions());
        await journal.ReadAsync();
        return journal.State;
    }

    /// <summary>Reads the delivery queue of <paramref name="target"/> of <paramref name="tenant"/> from <paramref name="storage"/>.</summary>
    public static async Task<DeliveryQueueState> QueueAsync(IGrainStorage storage, string tenant, string target)
    {
        var journal = QueueJournal.Open(storage, GrainId.Create("delivery", $"{tenant}/{target}"), new StateJournalOptions());
        await journal.ReadAsync();
        return journal.State;
    }

    /// <summary>Whether a write of <paramref name="written"/> is one of the state <paramref name="name"/>: its snapshot or an entry of its journal.</summary>
    public static bool IsWriteOf(string written, string name) => written == name || written.StartsWith($"{name}/", StringComparison.Ordinal);
}
