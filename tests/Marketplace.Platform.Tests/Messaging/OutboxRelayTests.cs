using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Dapper;
using MassTransit;
using Marketplace.ServiceDefaults.Messaging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Marketplace.Platform.Tests.Messaging;

/// <summary>
/// The outbox relay against real PostgreSQL. The broker is a test double here (a real RabbitMQ outage is
/// BrokerOutageTests' subject): it can hold a confirm back, refuse a publish, and notes what was published, when and in
/// which trace.
/// </summary>
[TestFixture]
public class OutboxRelayTests
{
    private const string RequestSourceName = "Marketplace.Platform.Tests.Requests";
    private static readonly ActivitySource RequestSource = new(RequestSourceName);
    private ActivityListener _listener = null!;

    [OneTimeSetUp]
    public void ListenToSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == OutboxRelay.ActivitySourceName || s.Name == RequestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [OneTimeTearDown]
    public void StopListening() => _listener.Dispose();

    [Test]
    public async Task A_message_waiting_for_its_confirm_holds_no_transaction_or_row_lock_and_is_not_yet_marked_published()
    {
        await using var db = await TestDatabase.CreateAsync("relay_locks");
        await WriteAsync(db, 1);
        var broker = new FakeBroker();
        var confirm = broker.HoldConfirms();
        var relay = Relay(db, broker);

        var pass = relay.PublishBatchAsync(CancellationToken.None);
        await broker.Received(1);

        await using var connection = await db.OpenConnectionAsync();
        var openTransactions = await connection.ExecuteScalarAsync<int>("""
            SELECT count(*)::int FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'
            """);
        await using (var tx = await connection.BeginTransactionAsync())
        {
            // NOWAIT fails at once if anyone holds the row's lock.
            var locked = await connection.QuerySingleAsync<long>("SELECT id FROM outbox_messages FOR UPDATE NOWAIT", transaction: tx);
            Assert.That(locked, Is.Positive);
            await tx.RollbackAsync();
        }
        var row = await RowAsync(connection);
        Assert.Multiple(() =>
        {
            Assert.That(openTransactions, Is.Zero, "no transaction stays open while the broker confirms");
            Assert.That(row.PublishedAt, Is.Null, "not published before the broker confirmed");
            Assert.That(row.LockedBy, Is.EqualTo(relay.Instance), "the batch is leased instead");
        });

        confirm.SetResult();
        Assert.That(await pass, Is.EqualTo(1));
        row = await RowAsync(connection);
        Assert.Multiple(() =>
        {
            Assert.That(row.PublishedAt, Is.Not.Null);
            Assert.That(row.LockedBy, Is.Null, "the lease is let go once published");
            Assert.That(row.Attempts, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Published_at_is_the_time_the_broker_confirmed_not_the_time_the_batch_was_claimed()
    {
        await using var db = await TestDatabase.CreateAsync("relay_confirm_time");
        await WriteAsync(db, 1);
        var broker = new FakeBroker();
        var confirm = broker.HoldConfirms();
        var pass = Relay(db, broker).PublishBatchAsync(CancellationToken.None);
        await broker.Received(1);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var confirmedAfter = DateTime.UtcNow;
        confirm.SetResult();
        await pass;
        await using var connection = await db.OpenConnectionAsync();
        var row = await RowAsync(connection);
        // PostgreSQL keeps microseconds; .NET ticks are finer.
        Assert.That(row.PublishedAt, Is.GreaterThanOrEqualTo(confirmedAfter.AddMilliseconds(-1)));
    }

    [Test]
    public async Task A_batch_is_published_in_the_order_it_was_written()
    {
        await using var db = await TestDatabase.CreateAsync("relay_order");
        await WriteAsync(db, 30);
        var broker = new FakeBroker();
        Assert.That(await Relay(db, broker).PublishBatchAsync(CancellationToken.None), Is.EqualTo(30));
        Assert.That(broker.Published.Select(p => p.Message.Sequence), Is.EqualTo(Enumerable.Range(0, 30)));
    }

    [Test]
    public async Task A_failed_publish_is_retried_after_a_backoff_and_stops_its_batch()
    {
        await using var db = await TestDatabase.CreateAsync("relay_retry");
        await WriteAsync(db, 3);
        var broker = new FakeBroker { Refuse = probe => probe.Sequence == 1 };
        var relay = Relay(db, broker);

        Assert.That(await relay.PublishBatchAsync(CancellationToken.None), Is.EqualTo(1), "the first message, then the refusal");
        await using var connection = await db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<Row>("""
            SELECT published_at, attempts, last_error, locked_by,
                   next_attempt_at >= (SELECT min(published_at) FROM outbox_messages) + interval '450 milliseconds' AS waiting
            FROM outbox_messages ORDER BY id
            """)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(rows[0].PublishedAt, Is.Not.Null);
            Assert.That(rows[1].PublishedAt, Is.Null);
            Assert.That(rows[1].Attempts, Is.EqualTo(1));
            Assert.That(rows[1].LastError, Does.Contain("refused"));
            Assert.That(rows[1].Waiting, Is.True, "the refused message waits out its backoff (500 ms after a first failure)");
            Assert.That(rows[2].PublishedAt, Is.Null, "the batch stopped at the failure");
            Assert.That(rows[2].LockedBy, Is.Null, "what the batch did not reach is free at once, not after the lease");
        });

        broker.Refuse = null;
        // The backoff after a first failure is 500 ms.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM outbox_messages WHERE published_at IS NULL") > 0)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "every message published once the broker takes them");
            await relay.PublishBatchAsync(CancellationToken.None);
            await Task.Delay(100);
        }
        var retried = (await connection.QueryAsync<Row>("SELECT published_at, attempts, last_error, locked_by, false AS waiting FROM outbox_messages ORDER BY id")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(retried[1].Attempts, Is.EqualTo(2));
            Assert.That(retried[1].LastError, Is.Null);
            Assert.That(broker.Published.Count(p => p.Message.Sequence == 1), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_row_leased_by_another_instance_waits_until_that_lease_ends()
    {
        await using var db = await TestDatabase.CreateAsync("relay_lease");
        await WriteAsync(db, 1);
        await using var connection = await db.OpenConnectionAsync();
        // An instance that claimed the row and died.
        await connection.ExecuteAsync("UPDATE outbox_messages SET locked_until = now() + interval '2 seconds', locked_by = 'crashed'");
        var broker = new FakeBroker();
        var relay = Relay(db, broker);

        Assert.That(await relay.PublishBatchAsync(CancellationToken.None), Is.Zero);
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        Assert.That(await relay.PublishBatchAsync(CancellationToken.None), Is.EqualTo(1));
        Assert.That(broker.Published, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Two_relays_never_publish_the_same_message_at_once_and_together_publish_each_once()
    {
        await using var db = await TestDatabase.CreateAsync("relay_two");
        await WriteAsync(db, 300);
        var inFlight = new ConcurrentDictionary<int, int>();
        var overlaps = 0;
        FakeBroker Broker() => new()
        {
            // Slow enough confirms that both relays are busy at once.
            OnPublish = async probe =>
            {
                if (!inFlight.TryAdd(probe.Sequence, 0)) Interlocked.Increment(ref overlaps);
                await Task.Delay(Random.Shared.Next(0, 3));
                inFlight.TryRemove(probe.Sequence, out _);
            },
        };
        var (first, second) = (Broker(), Broker());
        var relays = new[] { Relay(db, first, batchSize: 20), Relay(db, second, batchSize: 20) };
        await Task.WhenAll(relays.Select(relay => Task.Run(async () =>
        {
            while (await relay.PublishBatchAsync(CancellationToken.None) > 0) { }
        })));

        var sequences = first.Published.Concat(second.Published).Select(p => p.Message.Sequence).Order().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(overlaps, Is.Zero);
            Assert.That(sequences, Is.EqualTo(Enumerable.Range(0, 300)), "every message exactly once");
            Assert.That(first.Published, Is.Not.Empty, "both relays took part");
            Assert.That(second.Published, Is.Not.Empty, "both relays took part");
        });
    }

    [Test]
    public async Task The_relay_publishes_inside_the_trace_of_the_request_that_wrote_the_message()
    {
        await using var db = await TestDatabase.CreateAsync("relay_trace");
        ActivityContext request;
        using (var activity = RequestSource.StartActivity("POST /orders/{id}/publish", ActivityKind.Server)!)
        {
            request = activity.Context;
            await WriteAsync(db, 1);
        }
        // A job running outside any trace, under the correlation id of the request that scheduled it.
        var scheduledBy = Guid.NewGuid();
        Correlation.Current = scheduledBy;
        await WriteAsync(db, 1, firstSequence: 1);
        Correlation.Current = null;

        var broker = new FakeBroker();
        await Relay(db, broker).PublishBatchAsync(CancellationToken.None);

        await using var connection = await db.OpenConnectionAsync();
        var stored = await connection.QueryFirstAsync<Guid>("SELECT correlation_id FROM outbox_messages ORDER BY id");
        var (fromRequest, fromJob) = (broker.Published[0], broker.Published[1]);
        Assert.Multiple(() =>
        {
            Assert.That(stored, Is.EqualTo(Correlation.FromTraceId(request.TraceId)), "the correlation id is the trace id");
            Assert.That(fromRequest.Trace?.TraceId, Is.EqualTo(request.TraceId));
            Assert.That(fromRequest.Trace?.ParentSpanId, Is.EqualTo(request.SpanId), "the publish span's parent is the request's span");
            Assert.That(fromRequest.Trace?.OperationName, Does.StartWith("outbox publish"));
            Assert.That(fromJob.Trace?.TraceId, Is.EqualTo(Correlation.ToTraceId(scheduledBy)), "the job's correlation id continues as the trace");
        });
    }

    private static OutboxRelay Relay(NpgsqlDataSource db, FakeBroker broker, int batchSize = 100) =>
        new(db, broker.Bus, new WakeSignal(), TimeProvider.System, NullLogger<OutboxRelay>.Instance)
        {
            BatchSize = batchSize,
            PublishTimeout = TimeSpan.FromSeconds(5),
        };

    private static async Task WriteAsync(NpgsqlDataSource db, int count, int firstSequence = 0)
    {
        var outbox = new Outbox(new WakeSignal());
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        for (var i = 0; i < count; i++) await outbox.AddAsync(tx, new RelayProbe(firstSequence + i));
        await tx.CommitAsync();
    }

    private static async Task<Row> RowAsync(NpgsqlConnection connection) =>
        await connection.QuerySingleAsync<Row>("SELECT published_at, attempts, last_error, locked_by, false AS waiting FROM outbox_messages");

    private sealed record Row(DateTime? PublishedAt, int Attempts, string? LastError, string? LockedBy = null, bool Waiting = false);
}

/// <summary>The message the relay tests publish.</summary>
public sealed record RelayProbe(int Sequence);

/// <summary>
/// A broker at the relay's boundary: IBus.Publish(object, Type, IPipe, CancellationToken), the one call the relay makes,
/// notes the message, the time and the span it was published in, and confirms (or refuses, or holds the confirm back).
/// </summary>
public sealed class FakeBroker
{
    private readonly SemaphoreSlim _received = new(0);
    private TaskCompletionSource? _hold;

    public FakeBroker() => Bus = BusProxy.Create(this);

    public IBus Bus { get; }
    public List<(RelayProbe Message, DateTime At, Activity? Trace)> Published { get; } = [];
    public Func<RelayProbe, bool>? Refuse { get; set; }
    public Func<RelayProbe, Task>? OnPublish { get; set; }

    public TaskCompletionSource HoldConfirms() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task Received(int count)
    {
        for (var i = 0; i < count; i++)
            if (!await _received.WaitAsync(TimeSpan.FromSeconds(10))) throw new TimeoutException("the relay published nothing");
    }

    internal async Task PublishAsync(RelayProbe message, CancellationToken ct)
    {
        _received.Release();
        if (Refuse?.Invoke(message) == true) throw new InvalidOperationException("the broker refused the message");
        if (OnPublish is not null) await OnPublish(message);
        if (_hold is not null) await _hold.Task.WaitAsync(ct);
        lock (Published) Published.Add((message, DateTime.UtcNow, Activity.Current));
    }

    public class BusProxy : DispatchProxy
    {
        private FakeBroker _broker = null!;

        internal static IBus Create(FakeBroker broker)
        {
            var bus = DispatchProxy.Create<IBus, BusProxy>();
            ((BusProxy)(object)bus)._broker = broker;
            return bus;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args) =>
            method?.Name == nameof(IBus.Publish) && args is [RelayProbe message, Type, IPipe<PublishContext>, CancellationToken ct]
                ? _broker.PublishAsync(message, ct)
                : throw new NotSupportedException($"The relay tests' broker does not do {method?.Name}");
    }
}
