using System.Text.Json.Nodes;
using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Envelope;
using ApexOrleans.Runtime.Hosting;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Mesh.Tests;

public sealed class AppCatalogTests
{
    [Fact]
    public void TheShippedCatalogHoldsTheElevenAppsOfTheStory()
    {
        var catalog = AppCatalog.Load(AppCatalog.DefaultPath);

        Assert.Equal(
            ["aspiral", "autorepai", "bright", "careconnect", "flowbills", "flowc", "jubeelove", "keepsafe", "omnihub", "tradeline247", "trutalk"],
            catalog.Apps.Keys.Order());
        Assert.All(SarahsDay.Beats, beat => catalog.Route(beat.Event));
    }

    [Fact]
    public void ABrokenCatalogIsRefusedWithEveryProblemListed()
    {
        var error = Assert.Throws<AppCatalogException>(() => AppCatalog.Parse("""
            { "apps": [
              { "id": "alpha", "publishes": { "thing.done": { "table": "Things!", "key": "id", "targets": ["ghost", "beta"] } } },
              { "id": "beta", "consumes": { "gamma:x.y": { "table": "xs", "key": "id" } } },
              { "id": "alpha" }
            ] }
            """));

        Assert.Contains(error.Problems, p => p.Contains("table"));
        Assert.Contains(error.Problems, p => p.Contains("appears twice"));
        Assert.Contains(error.Problems, p => p.Contains("gamma:x.y"));
        Assert.True(error.Problems.Count >= 3);
    }

    [Fact]
    public void RoutingRefusesUnknownAppsEventsTargetsAndMissingKeyFields()
    {
        var catalog = AppCatalog.Load(AppCatalog.DefaultPath);
        var invoice = SarahsDay.Get(4).Event;

        Assert.Equal("unknown_app", Refusal(invoice with { SourceApp = "ghostapp", EventType = "ghostapp:invoice.created" }).Code);
        Assert.Equal("unknown_event_type", Refusal(invoice with { EventType = "flowbills:invoice.burned" }).Code);
        Assert.Equal("unknown_app", Refusal(invoice with { Targets = ["ghostapp"] }).Code);
        Assert.Equal("unroutable_target", Refusal(invoice with { Targets = ["trutalk"] }).Code);
        var missingKey = Refusal(invoice with { Data = System.Text.Json.JsonSerializer.SerializeToElement(new { amount = 1 }) });
        Assert.Equal(("missing_field", "payload.invoiceId"), (missingKey.Code, missingKey.Field));

        PublishRejection Refusal(EventEnvelope envelope) => Assert.Throws<PublishRejectedException>(() => catalog.Route(envelope)).Rejection;
    }

    [Fact]
    public async Task ATwelfthAppIsAConfigurationChange()
    {
        using var folder = new TempFolder();
        var catalog = JsonNode.Parse(File.ReadAllText(AppCatalog.DefaultPath))!;
        catalog["apps"]!.AsArray().Add(JsonNode.Parse("""
            { "id": "stylebook", "name": "StyleBook", "purpose": "lookbook and fittings",
              "publishes": { "fitting.booked": { "table": "fittings", "key": "fittingId", "targets": ["omnihub"] } },
              "consumes": { "tradeline247:call.received": { "table": "leads", "key": "callId" } } }
            """));
        var path = folder.File("apps.json");
        File.WriteAllText(path, catalog.ToJsonString());
        await using var silo = await MeshSilo.StartAsync(GrainStorageChoice.Memory(), path);
        var tenant = silo.Tenant("twelfth");

        await silo.PublishAsync(tenant, EnvelopeParser.Parse("""
            { "eventType": "stylebook:fitting.booked", "target": "omnihub", "idempotencyKey": "fit-1", "payload": { "fittingId": "fit-1", "client": "Sarah" } }
            """));
        await silo.PublishAsync(tenant, SarahsDay.Get(1).Event with { Targets = ["omnihub", "jubeelove", "stylebook"] });
        await MeshSilo.SettleAsync(tenant);

        Assert.Equal("fit-1", Assert.Single((await silo.AppAsync(tenant, "stylebook")).Rows("fittings")).Key);
        Assert.Equal("call-001", Assert.Single((await silo.AppAsync(tenant, "stylebook")).Rows("leads")).Key);
        Assert.Contains((await silo.AppAsync(tenant, "omnihub")).Rows("feed"), r => r.Key == "fit-1");
    }
}
