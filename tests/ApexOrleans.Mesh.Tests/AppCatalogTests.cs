using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Configuration;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Storage.Hosting;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Mesh.Tests;

public sealed class AppCatalogTests
{
    [Fact]
    public void TheShippedCatalogHoldsTheElevenAppsOfTheStoryAndCareConnectsStandby()
    {
        var catalog = AppCatalog.Load(AppCatalog.DefaultPath);

        Assert.Equal(
            ["aspiral", "autorepai", "bright", "careconnect", "carestandby", "flowbills", "flowc", "jubeelove", "keepsafe", "omnihub", "tradeline247", "trutalk"],
            catalog.Apps.Keys.Order());
        Assert.Equal("carestandby", catalog.Find("careconnect")!.Fallback);
        Assert.All(SarahsDay.Beats, beat => catalog.Route(beat.Event));
    }

    [Fact]
    public void ABrokenCatalogIsRefusedWithEveryProblemListed()
    {
        var error = Assert.Throws<ConfigFileException>(() => AppCatalog.Parse("""
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
    public void AMisspeltDuplicatedOrMistypedCatalogKeyIsRefusedWithItsPathWhileCommentsStayAllowed()
    {
        var error = Assert.Throws<ConfigFileException>(() => AppCatalog.Parse("""
            { "$comment": "documentation stays allowed",
              "apps": [
                { "id": "alpha", "purpos": "x", "publishes": { "thing.done": { "table": "things", "key": "id", "targets": ["beta"], "mdoe": "merge" } } },
                { "id": "beta", "consumes": { "alpha:thing.done": { "table": "things", "key": "id" }, "alpha:thing.done": { "table": "others", "key": "id" } } },
                { "id": "gamma", "publishes": [], "settings": { "currency": "USD", "currency": "EUR" } },
                { "id": "delta", "publishes": { "thing.seen": { "table": "seen", "key": "id", "targets": ["beta", 7] } } }
              ] }
            """));

        Assert.Contains("app 'alpha'.purpos: unknown; did you mean purpose?", error.Problems);
        Assert.Contains("app 'alpha'.publishes.thing.done.mdoe: unknown; did you mean mode?", error.Problems);
        Assert.Contains("app 'beta'.consumes.alpha:thing.done: appears twice in one object; give it once", error.Problems);
        Assert.Contains("app 'gamma'.publishes: must be an object, not an array", error.Problems);
        Assert.Contains("app 'gamma'.settings.currency: appears twice in one object; give it once", error.Problems);
        Assert.Contains(error.Problems, p => p.EndsWith("targets[1]: must be an app id, not a number", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Problems, p => p.Contains("$comment", StringComparison.Ordinal));
    }

    [Fact]
    public void AFallbackThatCouldNotStandInIsRefusedWithEveryProblemListed()
    {
        var error = Assert.Throws<ConfigFileException>(() => AppCatalog.Parse("""
            { "apps": [
              { "id": "shop", "publishes": {
                  "order.placed": { "table": "orders", "key": "orderId", "targets": ["mailer", "ledger"] },
                  "order.paid": { "table": "orders", "key": "orderId", "mode": "merge", "targets": ["ledger"] } } },
              { "id": "mailer", "fallback": "ghost", "consumes": { "*": { "table": "mails", "key": "$idempotencyKey" } } },
              { "id": "ledger", "fallback": "books", "consumes": {
                  "shop:order.placed": { "table": "orders", "key": "orderId", "requires": [{ "table": "customers", "key": "customerId" }] },
                  "shop:order.paid": { "table": "orders", "key": "orderId", "mode": "merge" } } },
              { "id": "books", "consumes": { "shop:order.placed": { "table": "orders", "key": "orderId", "requires": [{ "table": "customers", "key": "customerId" }] } } },
              { "id": "archive", "fallback": "mailer", "consumes": {} },
              { "id": "vault", "fallback": "safe", "consumes": {} },
              { "id": "locker", "fallback": "safe", "consumes": {} },
              { "id": "safe", "consumes": { "*": { "table": "items", "key": "$idempotencyKey" } } },
              { "id": "echo", "fallback": "echo", "consumes": {} },
              { "id": "oddity", "fallback": 7, "consumes": {} },
              { "id": "clinic", "fallback": "clinicb",
                "publishes": { "visit.done": { "table": "visits", "key": "visitId", "requires": [{ "table": "orders", "key": "orderId" }], "targets": [] } },
                "consumes": { "shop:order.placed": { "table": "orders", "key": "orderId" } } },
              { "id": "clinicb", "consumes": { "*": { "table": "log", "key": "$idempotencyKey" } } },
              { "id": "cards", "publishes": { "card.issued": { "table": "cards", "key": "cardId", "targets": ["bank", "bankb"] } } },
              { "id": "bank", "fallback": "bankb", "consumes": { "*": { "table": "cards", "key": "$idempotencyKey" } } },
              { "id": "bankb", "consumes": { "*": { "table": "cards", "key": "$idempotencyKey" } } }
            ] }
            """));

        Assert.Contains("app 'mailer' falls back to 'ghost', which is not an app of the catalog", error.Problems);
        Assert.Contains("app 'archive' falls back to 'mailer', which has a fallback of its own (one hop only)", error.Problems);
        Assert.Contains("app 'echo' falls back to 'echo', which is itself", error.Problems);
        Assert.Contains("app 'oddity'.fallback: must be the id of another app, not 7", error.Problems);
        Assert.Contains("app 'ledger' falls back to 'books', which must record 'shop:order.placed' as a plain insert with no prerequisite", error.Problems);
        Assert.Contains("app 'ledger' falls back to 'books', which must record 'shop:order.paid' as a plain insert with no prerequisite", error.Problems);
        Assert.Contains("app 'ledger' holds 'shop:order.placed' for a record of its own, which a fallback cannot stand in for", error.Problems);
        Assert.Contains("app 'ledger' merges 'shop:order.paid' for a record of its own, which a fallback cannot stand in for", error.Problems);
        Assert.Contains(error.Problems, p => p.StartsWith("app 'vault' falls back to 'safe', which is the fallback of 'locker' too", StringComparison.Ordinal));
        Assert.Contains("app 'clinic' publishes 'visit.done' only once 'orders' holds its record, which a failover would have put at 'clinicb'", error.Problems);
        Assert.Contains("app 'cards' sends 'card.issued' to both 'bank' and its fallback 'bankb': a failover could not be told apart", error.Problems);
    }

    [Fact]
    public void AnEventNamingATargetAndItsFallbackIsRefused()
    {
        var catalog = AppCatalog.Load(AppCatalog.DefaultPath);
        var check = SarahsDay.Get(3).Event;

        var refusal = Assert.Throws<PublishRejectedException>(() => catalog.Route(check with { Targets = ["careconnect", "carestandby"] })).Rejection;

        Assert.Equal(("unroutable_target", "target"), (refusal.Code, refusal.Field));
        Assert.Contains("'carestandby' stands in for 'careconnect'", refusal.Reason);
    }

    [Theory]
    [InlineData("aspiral", "ReorderTask reacts at 'aspiral' to 'omnihub:alert.created', but 'aspiral' falls back to 'standby', which would skip it")]
    [InlineData("omnihub", "ReorderTask sends 'aspiral:task.created' to 'omnihub', which falls back to 'standby': a reaction held behind a cause that failed over would wait for ever")]
    public void AFallbackThatWouldSkipOrStrandAReactionIsRefusedByTheReactionCatalog(string app, string problem)
    {
        var catalog = JsonNode.Parse(File.ReadAllText(AppCatalog.DefaultPath))!;
        catalog["apps"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == app)!["fallback"] = "standby";
        catalog["apps"]!.AsArray().Add(JsonNode.Parse("""{ "id": "standby", "consumes": { "*": { "table": "log", "key": "$idempotencyKey" } } }"""));
        var apps = AppCatalog.Parse(catalog.ToJsonString());

        var error = Assert.Throws<ConfigFileException>(() => new ApexOrleans.Contracts.Books.ReactionCatalog(apps, ApexOrleans.Contracts.Books.ReactionCatalog.BuiltIn));

        Assert.Contains(problem, error.Problems);
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
    public async Task AnotherAppIsAConfigurationChange()
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
        var tenant = silo.Tenant("another-app");

        await silo.PublishAsync(tenant, EnvelopeParser.Parse("""
            { "eventType": "stylebook:fitting.booked", "target": "omnihub", "idempotencyKey": "fit-1", "payload": { "fittingId": "fit-1", "client": "Sarah" } }
            """));
        await silo.PublishAsync(tenant, SarahsDay.Get(1).Event with { Targets = ["omnihub", "jubeelove", "stylebook"] });
        await MeshSilo.SettleAsync(tenant);

        Assert.Equal("fit-1", Assert.Single((await silo.AppAsync(tenant, "stylebook")).Rows("fittings")).Key);
        Assert.Equal("call-001", Assert.Single((await silo.AppAsync(tenant, "stylebook")).Rows("leads")).Key);
        Assert.Contains((await silo.AppAsync(tenant, "omnihub")).Rows("feed"), r => r.Key == "stylebook/fit-1"); // keyed by the event's scoped key
    }
}
