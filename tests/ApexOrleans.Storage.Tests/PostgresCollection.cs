using ApexOrleans.TestSupport;

namespace ApexOrleans.Storage.Tests;

/// <summary>The tests that share one PostgreSQL server (xunit wants the definition in the test assembly).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
