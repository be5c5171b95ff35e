namespace ApexOrleans.Runtime.Tests.Grains;

/// <summary>A domain exception with its own type and data, to check it crosses the call unchanged.</summary>
public sealed class InvoiceRejectedException(string invoiceId) : Exception($"Invoice {invoiceId} was rejected: totals do not add up.")
{
    public string InvoiceId { get; } = invoiceId;
}

public interface IFailingGrain : IGrainWithStringKey
{
    Task<int> ThrowAsync(string invoiceId);

    Task<int> ThrowSynchronouslyAsync();

    Task<int> CountAsync();

    Task<Guid> ActivationIdAsync();
}

public sealed class FailingGrain : Grain, IFailingGrain
{
    private readonly Guid _activationId = Guid.NewGuid();
    private int _calls;

    public async Task<int> ThrowAsync(string invoiceId)
    {
        _calls++;
        await Task.Yield();
        throw new InvoiceRejectedException(invoiceId);
    }

    public Task<int> ThrowSynchronouslyAsync()
    {
        _calls++;
        throw new ArgumentOutOfRangeException("amount", "Amount must be positive.");
    }

    public Task<int> CountAsync() => Task.FromResult(++_calls);

    public Task<Guid> ActivationIdAsync() => Task.FromResult(_activationId);
}

/// <summary>Lets a test decide whether activations fail.</summary>
public sealed class ActivationSwitch
{
    public volatile bool Fail;
}

public interface IFragileActivationGrain : IGrainWithStringKey
{
    Task<string> HelloAsync();
}

public sealed class FragileActivationGrain(ActivationSwitch activationSwitch) : Grain, IFragileActivationGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        activationSwitch.Fail ? throw new InvalidOperationException("Activation refused by the test.") : Task.CompletedTask;

    public Task<string> HelloAsync() => Task.FromResult("hello");
}
