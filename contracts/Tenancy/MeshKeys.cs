using System.Text.RegularExpressions;

namespace ApexOrleans.Contracts.Tenancy;

/// <summary>
/// Grain keys of the mesh: every key starts with the tenant (a run, or a business), so two runs on one silo
/// never share a grain. <c>{tenant}/{name}</c>.
/// </summary>
public static partial class MeshKeys
{
    /// <summary>The tenant used when none is named.</summary>
    public const string DefaultTenant = "default";

    [GeneratedRegex("\\A[a-z0-9][a-z0-9-]{0,62}\\z")]
    private static partial Regex TenantPattern();

    /// <summary>True when <paramref name="tenant"/> is a valid tenant id.</summary>
    public static bool IsTenant(string tenant) => TenantPattern().IsMatch(tenant);

    /// <summary>The key of <paramref name="name"/> within <paramref name="tenant"/>.</summary>
    public static string For(string tenant, string name) =>
        IsTenant(tenant) ? $"{tenant}/{name}" : throw new ArgumentException($"'{tenant}' is not a tenant id (lower case letters, digits and '-', at most 63).", nameof(tenant));

    /// <summary>The tenant of a grain key: the key itself for a tenant's own grain, else the part before the first '/'.</summary>
    public static string TenantOf(string key)
    {
        var slash = key.IndexOf('/');
        return slash > 0 ? key[..slash] : key;
    }

    /// <summary>Splits a mesh grain key into tenant and name.</summary>
    public static (string Tenant, string Name) Split(string key)
    {
        var slash = key.IndexOf('/');
        return slash > 0 ? (key[..slash], key[(slash + 1)..]) : throw new ArgumentException($"'{key}' is not a mesh key (tenant/name).", nameof(key));
    }
}
