namespace ApexOrleans.Storage.Tests.Contract;

internal static class SqlGrouping
{
    /// <summary>
    /// 202 writes were committed, with the payload bytes of exactly those (the refused stale write counts for nothing); with
    /// group commit they took clearly fewer transactions than one each.
    /// </summary>
    public static void AssertGrouped(SqlGrainStorage storage)
    {
        Assert.Equal(202, storage.CommittedWrites);
        var serializer = new WebJsonGrainStorageSerializer();
        long Size(string owner, decimal balance) => serializer.Serialize(new Ledger { Owner = owner, Balance = balance }).ToMemory().Length;
        Assert.Equal(Size("first", 0) + Size("second", 0) + Enumerable.Range(0, 200).Sum(i => Size($"owner-{i}", i)), storage.CommittedPayloadBytes);
        Assert.True(storage.CommittedTransactions < storage.CommittedWrites / 4,
            $"{storage.CommittedWrites} writes in {storage.CommittedTransactions} transactions: the writes were not grouped");
    }
}
