using System.Net;
using System.Net.Sockets;

namespace ApexOrleans.Storage.Tests.Silo;

/// <summary>
/// Loopback ports no other listener holds, never the same one twice in this process: two Orleans silos on one port
/// both start (the clash is silent), so each silo of the tests running in parallel must get ports of its own.
/// </summary>
internal static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    public static int Next()
    {
        lock (Gate)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
