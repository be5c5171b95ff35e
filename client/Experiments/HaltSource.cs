using System.Text.Json;
using System.Text.Json.Serialization;

namespace ApexOrleans.Client.Experiments;

/// <summary>What pulled an experiment's kill switch; the journal and the console show it by its <see cref="Name"/>.</summary>
[JsonConverter(typeof(ByName))]
public sealed record HaltSource
{
    /// <summary><c>apex experiment halt</c> left a halt request in the records folder.</summary>
    public static readonly HaltSource HaltCommand = new("halt-command");

    /// <summary>Ctrl-C or SIGTERM in the runner's terminal.</summary>
    public static readonly HaltSource CtrlC = new("ctrl-c");

    /// <summary>The silo's own kill switch (DELETE /api/v1/faults) switched a fault of the run off.</summary>
    public static readonly HaltSource SiloApi = new("api");

    /// <summary>A safeguard probe broke its limit: the run is aborted rather than interrupted.</summary>
    public static readonly HaltSource Safeguard = new("safeguard");

    private static readonly HaltSource[] Known = [HaltCommand, CtrlC, SiloApi, Safeguard];

    private HaltSource(string name) => Name = name;

    /// <summary>Its name as the journal writes it.</summary>
    public string Name { get; }

    /// <summary>The source named <paramref name="name"/>; a name this version does not know (a newer journal) is kept as written.</summary>
    public static HaltSource Named(string name) => Known.FirstOrDefault(k => k.Name == name) ?? new(name);

    /// <inheritdoc />
    public override string ToString() => Name;

    // Written as the bare string the journal always had, so journals stay readable both ways across versions.
    private sealed class ByName : JsonConverter<HaltSource>
    {
        public override HaltSource Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Named(reader.GetString() ?? throw new JsonException("a halt source must be a string"));

        public override void Write(Utf8JsonWriter writer, HaltSource value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
    }
}
