using System.Collections.Concurrent;
using ApexOrleans.Contracts.Books;
using ApexOrleans.Contracts.Catalog;

namespace ApexOrleans.Apps;

/// <summary>Everything the apps host holds: the books of each tenant's apps, and which apps are down.</summary>
internal sealed class AppsHostState(AppCatalog catalog, string catalogSha256, ReactionCatalog reactions, IEnumerable<string> down)
{
    /// <summary>The SHA-256 of the catalog file served, for a runner to check it runs against the same apps.</summary>
    public string CatalogSha256 => catalogSha256;

    private readonly ConcurrentDictionary<(string Tenant, string App), HostedBooks> _books = new();
    private readonly ConcurrentDictionary<string, bool> _down = new(down.Select(a => KeyValuePair.Create(a, true)));

    /// <summary>The catalog served.</summary>
    public AppCatalog Catalog => catalog;

    /// <summary>The books of <paramref name="app"/> for <paramref name="tenant"/>, made on first use.</summary>
    public HostedBooks Books(string tenant, string app) =>
        _books.GetOrAdd((tenant, app), key => new HostedBooks(key.Tenant, new AppLedger(catalog.Find(key.App)!, catalog, reactions)));

    /// <summary>Whether <paramref name="app"/> is down.</summary>
    public bool IsDown(string app) => _down.ContainsKey(app);

    /// <summary>Takes <paramref name="app"/> down, or brings it back up.</summary>
    public void SetDown(string app, bool down)
    {
        if (down)
        {
            _down[app] = true;
        }
        else
        {
            _down.TryRemove(app, out _);
        }
    }

    /// <summary>The apps that are down, in order.</summary>
    public IReadOnlyList<string> Down => [.. _down.Keys.Order(StringComparer.Ordinal)];
}
