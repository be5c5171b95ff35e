using Orleans.Storage;

namespace ApexOrleans.Storage;

/// <summary>
/// Wraps every grain storage provider this project adds to a silo when the provider is created (registered as a service;
/// applied in registration order, so the first registered is innermost). The mesh uses one to inject storage outages.
/// </summary>
/// <remarks>
/// The provider's lifetime belongs to the silo (it is disposed when the silo stops), so a decorator need not dispose
/// <c>inner</c>.
/// </remarks>
public interface IGrainStorageDecorator
{
    /// <summary>The storage grains use instead of <paramref name="inner"/>.</summary>
    IGrainStorage Decorate(IGrainStorage inner);
}
