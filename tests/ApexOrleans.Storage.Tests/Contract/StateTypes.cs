using System.Text.Json.Serialization;

namespace ApexOrleans.Storage.Tests.Contract;

public sealed class Ledger
{
    public string Owner { get; set; } = "";

    public decimal Balance { get; set; }

    public List<string> Entries { get; set; } = [];
}

[JsonPolymorphic]
[JsonDerivedType(typeof(Circle), "circle")]
public class Shape
{
    public int Id { get; set; }
}

public sealed class Circle : Shape
{
    public double Radius { get; set; }
}

public sealed class Drawing
{
    public Shape Shape { get; set; } = new Circle();

    public string Note { get; set; } = "";
}

/// <summary>A state type without a parameterless constructor, as Orleans allows.</summary>
public sealed record Tally(int Count, string Label);
