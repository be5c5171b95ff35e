using System.Security.Cryptography;
using ApexOrleans.Grains.Apps;
using Microsoft.Extensions.Configuration;

namespace ApexOrleans.Silo.Security;

/// <summary>
/// The silo's keys: one per app that publishes (it may publish only as itself) and one admin key (runs, dashboards, reads).
/// They come from configuration (<c>Apex:Keys:Admin</c>, <c>Apex:Keys:Apps:{app}</c>) or the environment;
/// in development mode any missing key is generated; production mode refuses to start without every key.
/// </summary>
public sealed class ApiKeyRing
{
    private readonly Dictionary<string, string> _appByKey;

    private ApiKeyRing(string admin, IReadOnlyDictionary<string, string> apps)
    {
        Admin = admin;
        Apps = apps;
        _appByKey = apps.ToDictionary(a => a.Value, a => a.Key, StringComparer.Ordinal);
    }

    /// <summary>The admin (read and run) key.</summary>
    public string Admin { get; }

    /// <summary>Each app's publish key.</summary>
    public IReadOnlyDictionary<string, string> Apps { get; }

    /// <summary>Loads the keys for the catalog's apps; throws listing the missing ones in production.</summary>
    public static ApiKeyRing Load(IConfiguration keys, AppCatalog catalog, bool production)
    {
        string KeyOr(string? configured, string what, List<string> missing)
        {
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return configured.Length >= 16 ? configured : throw new InvalidOperationException($"The key for {what} is shorter than 16 characters.");
            }

            if (production)
            {
                missing.Add(what);
                return "";
            }

            return Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        }

        var missing = new List<string>();
        var admin = KeyOr(keys["Admin"], "the admin (Apex:Keys:Admin)", missing);
        // A key is what lets an app publish as itself: an app that publishes nothing (a standby, say) needs none.
        var apps = catalog.Apps.Values.Where(a => a.Publishes.Count > 0).Select(a => a.Id).Order(StringComparer.Ordinal)
            .ToDictionary(app => app, app => KeyOr(keys[$"Apps:{app}"], $"app '{app}' (Apex:Keys:Apps:{app})", missing));
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Production mode needs every key from configuration or the environment; missing: {string.Join(", ", missing)}. " +
                "Set them (e.g. APEX__KEYS__ADMIN, APEX__KEYS__APPS__FLOWBILLS), or run in development mode.");
        }

        if (apps.Values.Append(admin).Distinct(StringComparer.Ordinal).Count() != apps.Count + 1)
        {
            throw new InvalidOperationException("Two keys are equal; every app and the admin need their own key.");
        }

        return new ApiKeyRing(admin, apps);
    }

    /// <summary>The app a key belongs to, or null.</summary>
    public string? AppOf(string? key) => key is not null && _appByKey.TryGetValue(key, out var app) ? app : null;

    /// <summary>Whether <paramref name="key"/> is the admin key (compared in constant time).</summary>
    public bool IsAdmin(string? key) =>
        key is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(Admin));
}
