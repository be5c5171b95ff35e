namespace ApexOrleans.Client.Running;

/// <summary>
/// How a day waits when the mesh answers one of its publishes "in progress": another attempt of the same publish (one the
/// runner gave up on when its silo failed) still holds the key. The publish is sent again every <see cref="Pause"/> until
/// it is answered accepted or duplicate, for at most <see cref="GiveUpAfter"/>.
/// </summary>
public sealed record InProgressWaitOptions
{
    /// <summary>How long to wait between sending the publish again.</summary>
    public TimeSpan Pause { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a key may stay in progress before the run stops: long enough for a cluster to declare a silo dead.</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromMinutes(2);
}
