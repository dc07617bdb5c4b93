using Dapper;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Platform.Tests.Rules;

public class ClaimQueueHeadTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
        public void Advance(TimeSpan by) => Ticks += by.Ticks;
    }

    private static readonly DateTime Split = new(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);

    [Test]
    public async Task Positions_sort_as_PostgreSQL_sorts_the_claimable_index()
    {
        // The head is compared in C# and handed to PostgreSQL as a row comparison: both must agree on the order,
        // including uuids, which .NET and PostgreSQL order differently.
        var ids = Enumerable.Range(0, 500).Select(i => i % 2 == 0 ? Guid.NewGuid() : Guid.CreateVersion7()).ToArray();
        var times = ids.Select((_, i) => Split.AddTicks(i % 3 * 10)).ToArray();
        // The model's priority comes first (-1: no score, then the score's tenths), as in assignments_claimable_by_priority.
        var priorities = ids.Select((_, i) => (short)(i % 5 - 1)).ToArray();
        await using var connection = new NpgsqlConnection(TestDatabase.ServerConnectionString + ";Database=postgres");
        var byPostgres = (await connection.QueryAsync<Guid>("""
            SELECT id FROM unnest(@priorities, @times, @ids) AS t(priority, created_at, id) ORDER BY priority, created_at, id
            """, new { priorities, times, ids })).ToList();
        var byHead = ids.Select((id, i) => new ClaimQueueHead.Position(times[i], id, priorities[i])).Order().Select(p => p.Id).ToList();
        Assert.That(byHead, Is.EqualTo(byPostgres));
    }

    [Test]
    public void Slots_added_to_the_order_make_every_lane_start_from_the_front_again()
    {
        var head = new ClaimQueueHead(new ManualClock());
        var order = Guid.NewGuid();
        var sure = new ClaimQueueHead.Position(Split, Guid.CreateVersion7(), Priority: 9);
        head.Claimed(order, sure, lane: 2, generation: 4);
        Assert.That(head.StartFor(order, 2, generation: 4), Is.EqualTo(sure));
        // A round of dynamic overlap added 5 slots, an unsure item's among them (priority 4, before the head).
        Assert.That(head.StartFor(order, 2, generation: 9), Is.EqualTo(ClaimQueueHead.Front));
        var unsure = new ClaimQueueHead.Position(Split.AddSeconds(1), Guid.CreateVersion7(), Priority: 4);
        head.Claimed(order, unsure, lane: 2, generation: 9);
        Assert.That(head.StartFor(order, 2, generation: 9), Is.EqualTo(unsure), "a new generation's head replaces the old one, even behind it");
    }

    [Test]
    public void A_claim_starts_where_the_last_one_found_work_and_only_moves_forward()
    {
        var clock = new ManualClock();
        var head = new ClaimQueueHead(clock);
        var order = Guid.NewGuid();
        Assert.That(head.StartFor(order), Is.EqualTo(ClaimQueueHead.Front), "nothing seen yet: from the front");

        // Two version-7 ids made in the same millisecond are not ordered, so the ids here are written out.
        var first = new ClaimQueueHead.Position(Split, Guid.Parse("01a20847-ba32-736d-9347-000000000001"));
        var later = new ClaimQueueHead.Position(Split, Guid.Parse("01a20847-ba32-736d-9347-000000000002"));
        head.Claimed(order, later);
        head.Claimed(order, first); // a claim that started earlier and committed later does not move the head back
        Assert.That(head.StartFor(order), Is.EqualTo(later));
        Assert.That(head.StartFor(Guid.NewGuid()), Is.EqualTo(ClaimQueueHead.Front), "each order has its own head");
    }

    [Test]
    public void The_head_is_forgotten_after_the_refresh_interval_so_reopened_slots_are_found()
    {
        var clock = new ManualClock();
        var head = new ClaimQueueHead(clock);
        var order = Guid.NewGuid();
        var position = new ClaimQueueHead.Position(Split, Guid.CreateVersion7());
        head.Claimed(order, position);
        clock.Advance(ClaimQueueHead.Refresh - TimeSpan.FromMilliseconds(1));
        Assert.That(head.StartFor(order), Is.EqualTo(position));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(head.StartFor(order), Is.EqualTo(ClaimQueueHead.Front));

        // Advancing within an interval keeps its start: the head is forgotten every interval even under steady claims.
        var next = new ClaimQueueHead.Position(Split.AddSeconds(1), Guid.CreateVersion7());
        head.Claimed(order, next);
        clock.Advance(ClaimQueueHead.Refresh / 2);
        head.Claimed(order, new ClaimQueueHead.Position(Split.AddSeconds(2), Guid.CreateVersion7()));
        clock.Advance(ClaimQueueHead.Refresh / 2);
        Assert.That(head.StartFor(order), Is.EqualTo(ClaimQueueHead.Front));
    }

    [Test]
    public void Each_lane_has_its_own_head_and_consecutive_claims_start_in_consecutive_lanes()
    {
        var head = new ClaimQueueHead(new ManualClock());
        var order = Guid.NewGuid();
        var inThree = new ClaimQueueHead.Position(Split, Guid.CreateVersion7());
        head.Claimed(order, inThree, lane: 3);
        Assert.Multiple(() =>
        {
            Assert.That(head.StartFor(order, 3), Is.EqualTo(inThree));
            Assert.That(head.StartFor(order, 4), Is.EqualTo(ClaimQueueHead.Front), "another lane of the order is not moved");
            var starts = Enumerable.Range(0, 2 * ClaimQueueHead.Lanes).Select(_ => head.NextLane()).ToList();
            Assert.That(starts.Take(ClaimQueueHead.Lanes), Is.EqualTo(Enumerable.Range(0, ClaimQueueHead.Lanes)), "every lane in turn");
            Assert.That(starts.Skip(ClaimQueueHead.Lanes), Is.EqualTo(Enumerable.Range(0, ClaimQueueHead.Lanes)), "and round again");
        });
    }
}
