namespace ApexOrleans.Runtime.Storage;

/// <summary>
/// Wraps every grain storage provider of a silo when it is created (registered as a service; applied in
/// registration order). The mesh uses one to inject storage outages.
/// </summary>
public interface IGrainStorageFilter
{
    /// <summary>The storage grains use instead of <paramref name="inner"/>.</summary>
    IGrainStorage Wrap(IGrainStorage inner);
}
