using Dapper;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Platform.Tests.Messaging;

[TestFixture]
public class InboxAndIdempotencyTests
{
    private NpgsqlDataSource _db = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _db = await TestDatabase.CreateAsync("inbox");

    [OneTimeTearDown]
    public async Task Dispose() => await _db.DisposeAsync();

    [Test]
    public async Task A_message_is_recorded_once_per_consumer()
    {
        var messageId = Guid.NewGuid();
        Assert.That(await Record(messageId, "OrderFundedConsumer"), Is.True);
        Assert.That(await Record(messageId, "OrderFundedConsumer"), Is.False, "a redelivery is recognised");
        Assert.That(await Record(messageId, "AnotherConsumer"), Is.True, "each consumer keeps its own inbox");
    }

    [Test]
    public async Task Concurrent_redeliveries_of_one_message_let_exactly_one_through()
    {
        var messageId = Guid.NewGuid();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Record(messageId, "Racer"))));
        Assert.That(results.Count(r => r), Is.EqualTo(1));
    }

    [Test]
    public async Task A_replayed_key_answers_the_stored_response_and_a_different_body_is_refused()
    {
        var key = Guid.NewGuid().ToString();
        await using var connection = await _db.OpenConnectionAsync();
        await using (var tx = await connection.BeginTransactionAsync())
        {
            var first = await Idempotency.ClaimAsync(tx, "deposit:org", key, new { amount = 10.00m });
            Assert.That(first.Outcome, Is.EqualTo(IdempotencyOutcome.New));
            await Idempotency.CompleteAsync(tx, "deposit:org", key, 201, new { transactionId = "t-1" });
            await tx.CommitAsync();
        }
        await using (var tx = await connection.BeginTransactionAsync())
        {
            var replay = await Idempotency.ClaimAsync(tx, "deposit:org", key, new { amount = 10.00m });
            var other = await Idempotency.ClaimAsync(tx, "deposit:org", key, new { amount = 11.00m });
            Assert.Multiple(() =>
            {
                Assert.That(replay.Outcome, Is.EqualTo(IdempotencyOutcome.Replay));
                Assert.That(replay.ResponseStatus, Is.EqualTo(201));
                Assert.That(replay.ResponseBody, Does.Contain("t-1"));
                Assert.That(other.Outcome, Is.EqualTo(IdempotencyOutcome.Mismatch));
            });
        }
    }

    private async Task<bool> Record(Guid messageId, string consumer)
    {
        await using var connection = await _db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var first = await Inbox.TryRecordAsync(tx, messageId, consumer);
        await tx.CommitAsync();
        return first;
    }
}
