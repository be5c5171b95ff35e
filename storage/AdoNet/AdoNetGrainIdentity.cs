
namespace ApexOrleans.Storage.AdoNet;

/// <summary>
/// The grain id handed to Orleans' ADO.NET provider so that its row identifies the grain exactly. That provider keys a row
/// by (service id, state name, key) and leaves the grain type out, so grains of two types with one key and state name
/// would share a row (dotnet/orleans#8746, #9737); and it reads a string key that parses as hexadecimal or as a Guid as
/// that number, so "00ab" and "ab" would share one too (#9706). Handed the whole grain id ("type/key") as its key, it
/// stores that text as the row's key, which includes the type and is never read as a number.
/// </summary>
internal static class AdoNetGrainIdentity
{
    /// <summary>The id the provider gets for <paramref name="grainId"/>.</summary>
    public static GrainId Of(GrainId grainId)
    {
        var stored = GrainId.Create(grainId.Type, grainId.ToString());

        // Only a grain type holding '+' could make the text before it parse as a number ('/' is no digit): refuse that
        // rather than share rows.
        if (stored.TryGetIntegerKey(out _, out _) || stored.TryGetGuidKey(out _, out _))
        {
            throw new NotSupportedException(
                $"Grain {grainId}: its id would be read as a number by Orleans' ADO.NET storage. Grain types with '+' are not supported there.");
        }

        return stored;
    }
}
