using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Configuration;
using ApexOrleans.Contracts.Deliveries;

namespace ApexOrleans.Contracts.Books;

/// <summary>The reactions in force: the built-in ones whose app is in the catalog and publishes what they produce.</summary>
public sealed class ReactionCatalog
{
    private readonly ILookup<(string App, string EventType, DeliveryRole Role), EventReaction> _byCause;

    /// <summary>Builds the catalog: reactions whose app is in the catalog; refused at start if the catalog lacks what they publish.</summary>
    public ReactionCatalog(AppCatalog apps, IEnumerable<EventReaction> reactions)
    {
        var active = reactions.Where(r => apps.Find(r.App) is not null).ToList();
        var missing = active.SelectMany(r => r.Produces.Where(action => !apps.Find(r.App)!.Publishes.ContainsKey(action))
            .Select(action => $"{r.GetType().Name} makes '{r.App}' publish '{action}', which the catalog does not list for it")).ToList();
        missing.AddRange(active.Where(r => r.Role == DeliveryRole.Target && apps.Find(r.App)!.Fallback is not null)
            .Select(r => $"{r.GetType().Name} reacts at '{r.App}' to '{r.EventType}', but '{r.App}' falls back to '{apps.Find(r.App)!.Fallback}', which would skip it"));
        // A reaction reaches the targets of its cause held behind the cause: if the cause went to a fallback, it would wait for ever.
        missing.AddRange(active.SelectMany(r => r.Produces.Where(action => apps.Find(r.App)!.Publishes.ContainsKey(action))
                .SelectMany(action => apps.Find(r.App)!.Publishes[action].Targets.Select(target => (Reaction: r, Action: action, Target: target))))
            .Where(x => apps.Find(x.Target)?.Fallback is not null)
            .Select(x => $"{x.Reaction.GetType().Name} sends '{x.Reaction.App}:{x.Action}' to '{x.Target}', which falls back to '{apps.Find(x.Target)!.Fallback}': a reaction held behind a cause that failed over would wait for ever"));
        if (missing.Count > 0)
        {
            throw new ConfigFileException("the app catalog and the reactions disagree", missing);
        }

        _byCause = active.ToLookup(r => (r.App, r.EventType, r.Role));
    }

    /// <summary>The reactions of the story, shipped with the mesh.</summary>
    public static IReadOnlyList<EventReaction> BuiltIn { get; } =
    [
        new InvoiceTotalsCheck(), new ReorderTask(), new PurchaseOrderDraft(), new FireSafetyTraining(),
        new PremiumInvoice(), new PaymentReconciliation(), new AppointmentPrepTask(),
    ];

    /// <summary>The reactions of <paramref name="app"/> to <paramref name="eventType"/> applied in <paramref name="role"/>.</summary>
    public IEnumerable<EventReaction> For(string app, string eventType, DeliveryRole role) => _byCause[(app, eventType, role)];
}
