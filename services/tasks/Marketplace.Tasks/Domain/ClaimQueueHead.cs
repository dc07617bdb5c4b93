using System.Collections.Concurrent;

namespace Marketplace.Tasks.Domain;

/// <summary>
/// Where an order's open slots begin, as this instance last saw it, so a claim can start its walk there instead of at
/// the front of the claimable index. Every claimed slot leaves a dead entry at the front of that index until vacuum
/// removes it, and every claim walking from the front reads them all: measured with bench/tasks.sh, over 1,500 buffer
/// reads per claim after a few thousand claims, most of PostgreSQL's time. The head is only a hint: a slot behind it
/// that opens again (a released or lapsed lease) is found when the walk from the head finds nothing, and the head is
/// forgotten every <see cref="Refresh"/>, so such a slot waits at most that long plus the slots in front of it.
/// Claims stay correct whatever the hint says (FOR UPDATE SKIP LOCKED and the status decide).
/// An order's queue is cut into <see cref="Lanes"/> lanes by item (migration 0016); each lane has its own head, and
/// consecutive claims start in consecutive lanes (<see cref="NextLane"/>), so concurrent claimers do not all walk past
/// the same locked slots.
/// Within a lane, slots of items the model is least sure of come first (assignments.claim_priority, migration 0030), so
/// a position starts with that priority. New slots (a round of dynamic overlap, rework, a replacement) may sort before
/// the head (an unsure item's new slot behind the sure ones claimed last round), so a head is kept only for the order's
/// slot count it was seen with (task_orders.total_assignments, read by every claim): slots added, heads forgotten. A
/// slot whose priority falls behind the head (a new prediction) is found as a slot that opened again is.
/// </summary>
public sealed class ClaimQueueHead(TimeProvider clock)
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    /// <summary>The lanes of an order's queue: <c>hashtext(item_id) &amp; 7</c> in the database.</summary>
    public const int Lanes = 8;

    private int _nextLane = -1;

    /// <summary>The lane the next claim starts in (then the others, in order).</summary>
    public int NextLane() => (int)((uint)Interlocked.Increment(ref _nextLane) % Lanes);

    /// <summary>The front of the queue: before every slot.</summary>
    public static readonly Position Front = new(DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc), Guid.Empty, short.MinValue);

    /// <param name="Priority">The slot's claim_priority: -1 for an item without a model score, else the score's tenths; 11
    /// less for a follow-up (a slot added to an item that has answers, migration 0032).</param>
    public sealed record Position(DateTime CreatedAt, Guid Id, short Priority = 0) : IComparable<Position>
    {
        /// <summary>PostgreSQL's order: claim_priority, created_at, then the uuid's bytes as written (not .NET's Guid order).</summary>
        public int CompareTo(Position? other)
        {
            if (other is null) return 1;
            var byPriority = Priority.CompareTo(other.Priority);
            if (byPriority != 0) return byPriority;
            var byTime = CreatedAt.CompareTo(other.CreatedAt);
            if (byTime != 0) return byTime;
            Span<byte> mine = stackalloc byte[16], theirs = stackalloc byte[16];
            Id.TryWriteBytes(mine, bigEndian: true, out _);
            other.Id.TryWriteBytes(theirs, bigEndian: true, out _);
            return mine.SequenceCompareTo(theirs);
        }
    }

    private sealed record Head(Position Position, long SinceTimestamp, long Generation);

    private readonly ConcurrentDictionary<(Guid Order, int Lane), Head> _heads = new();

    /// <summary>Where a claim on <paramref name="orderId"/> (null: any order) should start in <paramref name="lane"/>, the
    /// order having <paramref name="generation"/> slots.</summary>
    public Position StartFor(Guid? orderId, int lane = 0, long generation = 0) =>
        _heads.TryGetValue((orderId ?? Guid.Empty, lane), out var head) && clock.GetElapsedTime(head.SinceTimestamp) < Refresh
            && head.Generation == generation
            ? head.Position : Front;

    /// <summary>A claim took the slot at <paramref name="first"/> (the first it took in <paramref name="lane"/>): nothing open
    /// is expected before it in that lane.</summary>
    public void Claimed(Guid? orderId, Position first, int lane = 0, long generation = 0)
    {
        var now = clock.GetTimestamp();
        _heads.AddOrUpdate((orderId ?? Guid.Empty, lane), _ => new Head(first, now, generation), (_, head) =>
            clock.GetElapsedTime(head.SinceTimestamp, now) >= Refresh || head.Generation != generation ? new Head(first, now, generation)
            : first.CompareTo(head.Position) > 0 ? head with { Position = first } : head);
    }
}
