namespace ApexOrleans.Contracts.Diagnostics;

/// <summary>This silo's figures now and its live feed of activity.</summary>
public interface ISiloActivity
{
    /// <summary>The silo's figures now.</summary>
    MeshStats Stats();

    /// <summary>Activity as it happens, until <paramref name="cancellationToken"/> ends the stream.</summary>
    IAsyncEnumerable<MeshActivity> StreamAsync(CancellationToken cancellationToken);
}
