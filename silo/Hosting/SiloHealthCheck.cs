namespace ApexOrleans.Silo.Hosting;

/// <summary>The <c>healthcheck</c> command: asks a silo whether it is ready; exit 0 if so, 1 if not (no curl needed in the image).</summary>
public static class SiloHealthCheck
{
    /// <summary>Checks <c>{url}/health/ready</c>.</summary>
    public static async Task<int> RunAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync($"{url.TrimEnd('/')}/health/ready");
            Console.WriteLine($"{url}: {(int)response.StatusCode} {(response.IsSuccessStatusCode ? "ready" : "not ready")}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            Console.WriteLine($"{url}: no answer ({e.Message})");
            return 1;
        }
    }
}
