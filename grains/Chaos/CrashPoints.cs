using System.Diagnostics;

namespace ApexOrleans.Grains.Chaos;

/// <summary>
/// Named places where the crash tests kill the silo with SIGKILL, exactly there: after an effect is committed but
/// before its answer, before a queue's state is written, while a queue drains, between an idempotency claim and
/// the enqueue, between a failover's decision and its hand-over. Armed only by <c>APEX_CRASH_AT=point:n</c> (the n-th pass kills); otherwise each pass is a no-op.
/// </summary>
public sealed class CrashPoints
{
    /// <summary>The environment variable that arms one point.</summary>
    public const string Variable = "APEX_CRASH_AT";

    /// <summary>Every point the mesh passes.</summary>
    public static readonly string[] All =
    [
        "gateway.after-claim", "gateway.after-enqueue", "delivery.before-apply", "app.after-commit", "delivery.before-queue-write", "queue.drain",
        FailoverPoint,
    ];

    /// <summary>Between storing a delivery's failover and handing it to the fallback (passed only when a target with a fallback cannot take a delivery).</summary>
    public const string FailoverPoint = "delivery.before-failover";

    private readonly string? _point;
    private readonly int _at;
    private int _passes;

    /// <summary>Arms the point named in <paramref name="spec"/> (<c>point:n</c>), or none.</summary>
    public CrashPoints(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
        {
            return;
        }

        var parts = spec.Split(':');
        if (parts.Length != 2 || !All.Contains(parts[0]) || !int.TryParse(parts[1], out _at) || _at < 1)
        {
            throw new ArgumentException($"{Variable}={spec}: expected point:n with a point of {string.Join(", ", All)} and n ≥ 1.");
        }

        _point = parts[0];
    }

    /// <summary>Passes <paramref name="point"/>; kills this process if it is the armed point's n-th pass.</summary>
    public void Pass(string point)
    {
        if (_point == point && Interlocked.Increment(ref _passes) == _at)
        {
            Console.Error.WriteLine($"apex: crash point {point} reached (pass {_at}): killing this process with SIGKILL.");
            Process.GetCurrentProcess().Kill(); // SIGKILL: no finally blocks, no flush, no graceful anything
        }
    }
}
