using ApexOrleans.Grains.Hosting;

namespace ApexOrleans.Silo.Tests;

/// <summary>Silos joined through the first one's silo port (localhost clustering), sharing one admin key.</summary>
internal sealed class SiloCluster : IAsyncDisposable
{
    /// <summary>The admin key every silo of the cluster shares.</summary>
    public const string AdminKey = "cluster-admin-key-0123456789abcdef";

    private readonly string _clusterId = LoopbackCluster.PrivateClusterId();
    private readonly int _primaryPort = LoopbackCluster.FreePort();

    public List<RunningSilo> Silos { get; } = [];

    public static async Task<SiloCluster> StartAsync(int count)
    {
        var cluster = new SiloCluster();
        for (var i = 0; i < count; i++)
        {
            await cluster.JoinAsync();
        }

        return cluster;
    }

    public async Task<RunningSilo> JoinAsync()
    {
        var silo = await RunningSilo.StartAsync(
            "--Apex:ClusterId", _clusterId, "--Apex:SiloPort", (Silos.Count == 0 ? _primaryPort : 0).ToString(),
            "--Apex:PrimarySiloPort", Silos.Count == 0 ? "0" : _primaryPort.ToString(), "--Apex:Keys:Admin", AdminKey);
        Silos.Add(silo);
        // Joined when every silo counts it among the active silos.
        foreach (var member in Silos)
        {
            await ApiTests.Eventually(async () => (await member.AdminGetAsync("/api/v1/activity/silos")).GetArrayLength() == Silos.Count);
        }
        return silo;
    }

    public async ValueTask DisposeAsync()
    {
        // The first silo keeps the membership: it goes last.
        for (var i = Silos.Count - 1; i >= 0; i--)
        {
            await Silos[i].DisposeAsync();
        }
    }
}
