using ApexOrleans.Contracts.Catalog;
namespace ApexOrleans.Grains.Hosting;

/// <summary>Options of the mesh in a silo.</summary>
public sealed class MeshOptions
{
    /// <summary>The app catalog file; by default <c>config/apps.json</c> beside the binaries.</summary>
    public string CatalogPath { get; set; } = AppCatalog.DefaultPath;
}
