namespace ApexOrleans.Contracts.Catalog;

/// <summary>What a record effect does with an existing record under the same key.</summary>
public enum EffectMode
{
    /// <summary>Adds a new record; the same key from another event is a conflict, resolved the same way in every order.</summary>
    Insert,

    /// <summary>Updates fields of an existing record (which must exist: it is a prerequisite).</summary>
    Merge,
}
