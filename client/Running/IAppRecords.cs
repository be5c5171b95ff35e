using ApexOrleans.Contracts.Apps;

namespace ApexOrleans.Client.Running;

/// <summary>Where a run's app records are read back from: the mesh's app grains, or the apps host that served the apps.</summary>
public interface IAppRecords
{
    /// <summary>Every app's data.</summary>
    Task<IReadOnlyDictionary<string, AppSnapshot>> AppsAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>Every app's apply receipts.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<ApplyReceipt>>> ReceiptsAsync(string tenant, CancellationToken cancellationToken);
}
