using System.CommandLine;
using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Webhooks;

namespace ApexOrleans.Client.Cli;

/// <summary>The options of <c>apex run</c> that make apps remote (<c>--app-endpoint</c>, <c>--apps-host</c>, <c>--webhook-secret</c>), read into a <see cref="RemoteAppsChoice"/>.</summary>
internal sealed class RemoteAppsOptions
{
    private readonly Option<string[]> _endpoints = new("--app-endpoint")
    {
        Description = "Make one app remote: app=URL (repeatable). Its deliveries become signed webhooks (Standard Webhooks) POSTed there, " +
                      "through the same queue, retries and circuit; its answers decide the outcome (2xx applied, 409 duplicate, 408/429/5xx retried, other 4xx dead-lettered).",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string?> _appsHost = new("--apps-host")
    {
        Description = "Make every app remote, served by 'apex apps' at this URL: it performs the scenario's outages by refusing for real, and the evidence reads the apps' records back from it.",
    };

    private readonly Option<string?> _secret = new("--webhook-secret")
    {
        Description = $"The secret that signs deliveries to remote apps, {WebhookSecret.Prefix}<base64> (default ${WebhookSecret.EnvironmentVariable}; without either and without --apps-host, one is made up and shown once). Never written to the bundle.",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_endpoints);
        command.Options.Add(_appsHost);
        command.Options.Add(_secret);
    }

    /// <summary>The remote apps <paramref name="result"/> names; a malformed <c>--app-endpoint</c> is bad input.</summary>
    public RemoteAppsChoice Read(ParseResult result) => new()
    {
        Endpoints = RemoteAppsChoice.ParseEndpoints(result.GetValue(_endpoints) ?? []),
        AppsHost = result.GetValue(_appsHost),
        Secret = result.GetValue(_secret),
    };
}
