using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Books;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Persistence;
using Orleans.Storage;

namespace ApexOrleans.Mesh.Tests;

/// <summary>An app's books as its store holds them: its journal replayed, as its next activation would replay it.</summary>
internal static class StoredBooks
{
    private static readonly AppCatalog Catalog = AppCatalog.Load(AppCatalog.DefaultPath);

    /// <summary>Reads the books of <paramref name="app"/> of <paramref name="tenant"/> from <paramref name="storage"/>.</summary>
    public static async Task<AppState> ReadAsync(IGrainStorage storage, string tenant, string app)
    {
        var ledger = new AppLedger(Catalog.Find(app)!, Catalog, new ReactionCatalog(Catalog, ReactionCatalog.BuiltIn));
        var journal = AppGrain.Journal(storage, GrainId.Create("app", $"{tenant}/{app}"), ledger, new StateJournalOptions());
        await journal.ReadAsync();
        return journal.State;
    }

    /// <summary>Whether a write of <paramref name="written"/> is one of the app's writes: an entry of its journal or its snapshot.</summary>
    public static bool IsAppWrite(string written) => written == AppGrain.StateName || written.StartsWith($"{AppGrain.StateName}/", StringComparison.Ordinal);
}
