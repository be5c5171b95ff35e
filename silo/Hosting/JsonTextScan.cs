using System.Text;
using System.Text.Json;

namespace ApexOrleans.Silo.Hosting;

/// <summary>
/// One pass over a JSON body before any endpoint reads it: the body must be well-formed JSON, and every string in it
/// (property names too, at any depth) must be valid UTF-8 that decodes to valid UTF-16 (no lone surrogate such as
/// <c>"\ud800"</c>). A problem names the field by its path (<c>payload.lines[2].note</c>).
/// </summary>
public static class JsonTextScan
{
    /// <summary>What is wrong with a body: the code, the field's path, and why.</summary>
    public sealed record Finding(string Code, string Field, string Reason);

    /// <summary>Deeper nesting than any endpoint takes is refused here.</summary>
    public const int MaxDepth = 64;

    /// <summary>The first problem of <paramref name="utf8"/>, or null when it is well-formed JSON of valid text.</summary>
    public static Finding? Check(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        var path = new List<Segment>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (ReadText(ref reader) is not { } name)
                        {
                            return Invalid(Path(path, property: false), "has a property name that is not valid text");
                        }

                        path[^1] = path[^1] with { Name = name };
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        Advance(path);
                        path.Add(new Segment(reader.TokenType == JsonTokenType.StartArray, null, -1));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.String:
                        Advance(path);
                        if (ReadText(ref reader) is null)
                        {
                            return Invalid(Path(path, property: true), "is not valid text (a lone UTF-16 surrogate such as \\ud800, or bytes that are not UTF-8)");
                        }

                        break;
                    default:
                        Advance(path);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            return new Finding("malformed_json", "$", $"the body is not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')})");
        }

        return null;
    }

    /// <summary>Whether <paramref name="text"/> is valid UTF-16: every surrogate is half of a pair.</summary>
    public static bool IsValidUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string? ReadText(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null; // a lone surrogate escape, or invalid UTF-8 bytes
        }
    }

    private static Finding Invalid(string field, string reason) => new("invalid_text", field, reason);

    /// <summary>Counts a value of an array (its index moves on); a value of an object is named by its property.</summary>
    private static void Advance(List<Segment> path)
    {
        if (path.Count > 0 && path[^1].Array)
        {
            path[^1] = path[^1] with { Index = path[^1].Index + 1 };
        }
    }

    private static string Path(List<Segment> path, bool property)
    {
        var text = new StringBuilder();
        for (var i = 0; i < path.Count; i++)
        {
            var segment = path[i];
            if (segment.Array)
            {
                text.Append('[').Append(segment.Index).Append(']');
            }
            else if (segment.Name is { } name && (property || i < path.Count - 1))
            {
                text.Append(text.Length > 0 ? "." : "").Append(name);
            }
        }

        return text.Length == 0 ? "$" : text.ToString();
    }

    private readonly record struct Segment(bool Array, string? Name, int Index);
}
