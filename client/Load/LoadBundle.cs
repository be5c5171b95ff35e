using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ApexOrleans.Client.Evidence;

namespace ApexOrleans.Client.Load;

/// <summary>
/// The load bundle, <c>{loadId}.zip</c>: <c>load.json</c> (the figures) and, under <c>tenants/{tenant}/</c>, each
/// tenant's complete evidence bundle, so <c>apex verify</c> re-checks every tenant's invariants and the totals.
/// Tenants are written as they finish, so memory does not grow with the tenant count; the file is written under
/// a temporary name and moved into place at the end, so a load bundle is complete or absent.
/// </summary>
public sealed class LoadBundleWriter : IDisposable
{
    /// <summary>The folder of tenant bundles inside the zip.</summary>
    public const string TenantsFolder = "tenants/";

    /// <summary>The figures file.</summary>
    public const string SummaryFile = "load.json";

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly string _temporary;
    private ZipArchive? _zip;

    private LoadBundleWriter(string path)
    {
        _path = path;
        _temporary = $"{path}.{Guid.NewGuid():N}.partial";
        _zip = ZipFile.Open(_temporary, ZipArchiveMode.Create);
    }

    /// <summary>Starts <c>{directory}/{loadId}.zip</c>.</summary>
    public static LoadBundleWriter Create(string directory, string loadId)
    {
        Directory.CreateDirectory(directory);
        return new LoadBundleWriter(Path.Combine(directory, $"{loadId}.zip"));
    }

    /// <summary>Adds one tenant's bundle files (thread-safe).</summary>
    public void AddTenant(string tenant, IReadOnlyDictionary<string, string> contents)
    {
        lock (_gate)
        {
            foreach (var (name, content) in contents.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                Write($"{TenantsFolder}{tenant}/{name}", content);
            }
        }
    }

    /// <summary>Writes load.json, closes the zip and moves it into place; returns its path.</summary>
    public string Complete(LoadSummary summary)
    {
        lock (_gate)
        {
            Write(SummaryFile, JsonSerializer.Serialize(summary, BundleJson.Indented));
            _zip!.Dispose();
            _zip = null;
            File.Move(_temporary, _path, overwrite: false);
            return _path;
        }
    }

    /// <summary>Drops an unfinished bundle.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _zip?.Dispose();
            _zip = null;
            File.Delete(_temporary);
        }
    }

    private void Write(string name, string content)
    {
        // Fastest: a load writes thousands of tenants while it is being measured; the files compress well anyway.
        using var entry = new StreamWriter(_zip!.CreateEntry(name, CompressionLevel.Fastest).Open(), new UTF8Encoding(false));
        entry.Write(content);
    }
}

/// <summary>Reads a load bundle one tenant at a time.</summary>
public sealed class LoadBundleReader : IDisposable
{
    private readonly ZipArchive _zip;

    private LoadBundleReader(ZipArchive zip) => _zip = zip;

    /// <summary>Opens <paramref name="path"/>; null when it is an ordinary run bundle (no load.json).</summary>
    public static LoadBundleReader? TryOpen(string path)
    {
        var zip = ZipFile.OpenRead(path);
        if (zip.GetEntry(LoadBundleWriter.SummaryFile) is null)
        {
            zip.Dispose();
            return null;
        }

        return new LoadBundleReader(zip);
    }

    /// <summary>load.json as written.</summary>
    public string SummaryJson => Text(_zip.GetEntry(LoadBundleWriter.SummaryFile)!);

    /// <summary>Each tenant's bundle files, tenant by tenant.</summary>
    public IEnumerable<(string Tenant, IReadOnlyDictionary<string, string> Files)> Tenants()
    {
        var byTenant = _zip.Entries
            .Where(e => e.FullName.StartsWith(LoadBundleWriter.TenantsFolder, StringComparison.Ordinal))
            .GroupBy(e => e.FullName[LoadBundleWriter.TenantsFolder.Length..].Split('/')[0])
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var tenant in byTenant)
        {
            var prefix = $"{LoadBundleWriter.TenantsFolder}{tenant.Key}/";
            yield return (tenant.Key, tenant.ToDictionary(e => e.FullName[prefix.Length..], Text));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _zip.Dispose();

    private static string Text(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
