using System.Security.Cryptography;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Tenancy;

namespace ApexOrleans.Silo.Security;

/// <summary>
/// The silo's keys: one per app that publishes (it may publish only as itself) and one admin key (runs, dashboards, reads).
/// They come from configuration (<c>Apex:Keys:Admin</c>, <c>Apex:Keys:Apps:{app}</c>) or the environment;
/// in development mode any missing key is generated; production mode refuses to start without every key.
/// </summary>
public sealed class ApiKeyRing
{
    private const string RunKeyPrefix = "run.";
    private readonly byte[] _runKeySecret;

    private ApiKeyRing(string admin, IReadOnlyDictionary<string, string> apps)
    {
        Admin = admin;
        Apps = apps;
        _runKeySecret = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"apex run keys\n{admin}"));
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

    /// <summary>
    /// The keys that publish into run <paramref name="runId"/> and nowhere else, one per app. Each is derived from the admin
    /// key (an HMAC of the run and the app), so none is stored, every silo with the same keys derives the same ones, and a
    /// new admin key (a development silo's restart) voids them all.
    /// </summary>
    public IReadOnlyDictionary<string, string> RunKeys(string runId) =>
        Apps.Keys.ToDictionary(app => app, app => RunKey(runId, app), StringComparer.Ordinal);

    /// <summary>
    /// Who may publish into <paramref name="tenant"/> with <paramref name="key"/>: the default tenant takes the silo's app
    /// keys, a run only its own run keys. A valid key for the wrong place is forbidden (403); anything else is unknown (401).
    /// </summary>
    public PublishPermission AuthorizePublish(string? key, string tenant)
    {
        if (key is not null && key.StartsWith(RunKeyPrefix, StringComparison.Ordinal))
        {
            // run.{run}.{app}.{mac}: neither a run id nor an app id holds a dot.
            var parts = key.Split('.');
            if (parts.Length != 4 || !Apps.ContainsKey(parts[2]) || !Same(key, RunKey(parts[1], parts[2])))
            {
                return PublishPermission.Unknown;
            }

            return parts[1] == tenant
                ? PublishPermission.As(parts[2])
                : PublishPermission.Forbid($"The key is run '{parts[1]}'s; it cannot publish into {Place(tenant)}. Nothing was stored.");
        }

        if (AppOf(key) is not { } app)
        {
            return PublishPermission.Unknown;
        }

        return tenant == MeshKeys.DefaultTenant
            ? PublishPermission.As(app)
            : PublishPermission.Forbid($"Publishing into run '{tenant}' needs that run's own keys, returned when it was created (POST /api/v1/runs); " +
                                       "the silo's app keys publish into the default tenant only. Nothing was stored.");
    }

    private static string Place(string tenant) => tenant == MeshKeys.DefaultTenant ? "the default tenant" : $"run '{tenant}'";

    private string RunKey(string runId, string app) =>
        $"{RunKeyPrefix}{runId}.{app}.{Convert.ToHexStringLower(HMACSHA256.HashData(_runKeySecret, System.Text.Encoding.UTF8.GetBytes($"{runId}\n{app}")))[..40]}";

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));

    /// <summary>The app a key belongs to, or null; compared with every app's key in constant time, so timing tells nothing of a key.</summary>
    public string? AppOf(string? key)
    {
        string? found = null;
        foreach (var (app, appKey) in Apps)
        {
            if (key is not null && Same(key, appKey))
            {
                found = app;
            }
        }

        return found;
    }

    /// <summary>Whether <paramref name="key"/> is the admin key (compared in constant time).</summary>
    public bool IsAdmin(string? key) => key is not null && Same(key, Admin);
}
