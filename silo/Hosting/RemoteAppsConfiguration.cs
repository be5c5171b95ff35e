using ApexOrleans.Contracts.Webhooks;
using ApexOrleans.Grains.Remote;

namespace ApexOrleans.Silo.Hosting;

/// <summary>
/// The silo's remote apps, from <c>Apex:Remote</c> (<c>Endpoints:{app}</c>, <c>WebhookSecret</c>) or, for the secret,
/// <c>APEX_WEBHOOK_SECRET</c>. A development silo with remote apps and no secret makes one and prints it once, on the
/// console only, for the receivers to be given; a production silo without one does not start.
/// </summary>
internal static class RemoteAppsConfiguration
{
    /// <summary>Binds the options and fills in the secret as above.</summary>
    public static IServiceCollection AddRemoteApps(this IServiceCollection services, IConfiguration configuration, bool production)
    {
        services.Configure<RemoteAppOptions>(configuration.GetSection(RemoteAppOptions.Section));
        services.AddOptions<RemoteAppOptions>().PostConfigure<ApexOrleans.Contracts.Catalog.AppCatalog>((o, catalog) =>
        {
            o.WebhookSecret ??= Environment.GetEnvironmentVariable(WebhookSecret.EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
            if (o.WebhookSecret is null && !production && (o.Endpoints.Count > 0 || catalog.Apps.Values.Any(a => a.Endpoint is not null)))
            {
                o.WebhookSecret = WebhookSecret.Generate().Reveal();
                Console.WriteLine($"Development mode: deliveries to remote apps are signed with {o.WebhookSecret} (set {WebhookSecret.EnvironmentVariable} to choose one).");
            }
        });
        return services;
    }
}
