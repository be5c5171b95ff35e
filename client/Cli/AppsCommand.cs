using System.CommandLine;
using ApexOrleans.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Configuration;
using ApexOrleans.Contracts.Webhooks;
using Spectre.Console;

namespace ApexOrleans.Client.Cli;

/// <summary><c>apex apps</c>: serves the catalog's apps over HTTP until stopped (Ctrl+C).</summary>
internal static class AppsCommand
{
    /// <summary>Builds the command, writing to <paramref name="console"/>.</summary>
    public static Command Build(IAnsiConsole console)
    {
        var url = new Option<string>("--url") { Description = "Where to listen (loopback only; port 0 takes a free port).", DefaultValueFactory = _ => AppsHostOptions.DefaultUrl };
        var catalog = new Option<string>("--apps") { Description = "App catalog file.", DefaultValueFactory = _ => AppCatalog.DefaultPath };
        var secret = new Option<string?>("--webhook-secret")
        {
            Description = $"The secret deliveries must be signed with, {WebhookSecret.Prefix}<base64> (default ${WebhookSecret.EnvironmentVariable}; without either, one is made up and shown once).",
        };
        var down = new Option<string[]>("--down") { Description = "Start with this app down: its route answers 503 until POST /admin/down's twin, /admin/up (repeatable)." };
        var command = new Command("apps", ExitCodes.Described(
            "Serve the catalog's apps as real HTTP services: POST /apps/{app} takes a signed webhook (Standard Webhooks), checks its signature, " +
            "refuses a message id it has seen (409), and keeps the same records by the same rules as the mesh's app grains. " +
            "GET /tenants/{tenant}/apps and /receipts read them back; POST /admin/down and /admin/up {\"app\": …} take an app down for real (503) and back. " +
            "Reads and admin calls need the secret as a bearer token. apex run --apps-host URL runs a day against it."))
        {
            url, catalog, secret, down,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var given = result.GetValue(secret) ?? (Environment.GetEnvironmentVariable(WebhookSecret.EnvironmentVariable) is { Length: > 0 } e ? e : null);
            WebhookSecret key;
            try
            {
                key = given is null ? WebhookSecret.Generate() : WebhookSecret.Parse(given);
            }
            catch (FormatException problem)
            {
                return ApexCommands.Refuse(console, $"--webhook-secret: {problem.Message}");
            }

            AppsHost host;
            try
            {
                host = await AppsHost.StartAsync(new AppsHostOptions
                {
                    Url = result.GetValue(url)!,
                    CatalogPath = result.GetValue(catalog)!,
                    Secret = key,
                    Down = result.GetValue(down) ?? [],
                }, TimeProvider.System, cancellationToken);
            }
            catch (Exception problem) when (problem is ArgumentException or UriFormatException or ConfigFileException)
            {
                return ApexCommands.Refuse(console, problem.Message);
            }

            await using (host)
            {
                console.MarkupLine(Markup.Escape($"apex apps: serving the catalog's apps at {host.Url}/apps/{{app}}"));
                if (given is null)
                {
                    console.MarkupLine(Markup.Escape($"webhook secret (made for this host; give it to apex run with --webhook-secret): {key.Reveal()}"));
                }

                console.MarkupLine(Markup.Escape($"run a day against it: apex run --apps-host {host.Url} --webhook-secret <secret>. Ctrl+C stops."));
                await host.WaitAsync(cancellationToken);
            }

            return ExitCodes.Passed;
        });
        return command;
    }
}
