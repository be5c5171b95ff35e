namespace ApexOrleans.Client.Tests;

/// <summary>
/// Tests that deploy Orleans test clusters run one at a time: with two deployed at once in one process, one of them
/// losing a silo, both hung (the cause is not found yet), so they share this collection.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TestClusterCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Orleans test clusters";
}
