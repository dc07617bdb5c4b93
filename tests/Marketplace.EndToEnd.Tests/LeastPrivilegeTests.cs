using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using RabbitMQ.Client;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// Each service reaches PostgreSQL and RabbitMQ with its own account, allowed only its own things (docs/security.md,
/// "Least privilege"): one broken-into service can neither read another's database nor publish another's events.
/// The cluster runs the services with exactly those accounts (Cluster.SecretsOf), so the rest of the suite is the proof
/// that the legitimate flows still work; the first test also drives one across three services.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class LeastPrivilegeTests
{
    [Test]
    public async Task A_services_database_role_cannot_reach_another_services_database_nor_act_as_a_superuser()
    {
        // payouts' own role, as payouts runs with it: its own database opens, settlement's ledger does not.
        await using (var own = new NpgsqlConnection(AsService("payouts", "payouts")))
        {
            await own.OpenAsync();
            var role = await own.QuerySingleAsync<(bool Super, bool CreateDb, bool CreateRole)>(
                "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user");
            Assert.That(role, Is.EqualTo((false, false, false)), "payouts' role is no superuser and can make neither databases nor roles");
            var program = Assert.ThrowsAsync<PostgresException>(() => own.ExecuteAsync("COPY (SELECT 1) TO PROGRAM 'true'"));
            Assert.That(program!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege), "COPY ... TO PROGRAM runs programs as the server");
        }
        await using (var ledger = new NpgsqlConnection(AsService("payouts", "settlement")))
        {
            var refused = Assert.ThrowsAsync<PostgresException>(() => ledger.OpenAsync());
            Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege), refused.Message);
        }

        // Every pair: no service's role may connect to another's database; each database and everything in it (Hangfire's
        // schema included) belongs to its own service's role.
        await using var admin = new NpgsqlConnection(Cluster.Database("settlement"));
        foreach (var service in MessageRoutes.Services)
        {
            var database = Cluster.DatabaseName(service);
            var owner = await admin.QuerySingleAsync<string>("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = @database", new { database });
            Assert.That(owner, Is.EqualTo(database), $"{service}'s database belongs to its own role");
            foreach (var other in MessageRoutes.Services.Where(o => o != service))
            {
                var connects = await admin.QuerySingleAsync<bool>("SELECT has_database_privilege(@role, @database, 'CONNECT')",
                    new { role = Cluster.DatabaseName(other), database });
                Assert.That(connects, Is.False, $"{other}'s role can connect to {service}'s database");
            }
        }
        await using var ledgerAdmin = new NpgsqlConnection(Cluster.Database("settlement"));
        var foreign = await ledgerAdmin.QueryAsync<string>("""
            SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
              AND pg_get_userbyid(c.relowner) <> current_database()
            """);
        Assert.That(foreign, Is.Empty, "tables of settlement's database not owned by settlement's role");
    }

    [Test]
    public async Task A_services_broker_user_cannot_publish_another_services_event_nor_read_its_queue_while_the_real_flow_goes_on()
    {
        // With payouts' credentials, settlement's OrderFunded (which orders trusts to mark an order funded) is refused.
        var (user, password) = Cluster.BrokerUser("payouts");
        var factory = new ConnectionFactory
        {
            HostName = Environment.GetEnvironmentVariable("RabbitMq__Host") ?? "127.0.0.1",
            Port = int.Parse(Environment.GetEnvironmentVariable("RabbitMq__Port") ?? "61672"),
            UserName = user,
            Password = password,
        };
        await using var connection = await factory.CreateConnectionAsync("least-privilege-test");
        Assert.That(await RefusedAsync(connection, channel => channel.BasicPublishAsync("Marketplace.Contracts.Settlement:OrderFunded", "", false,
                new BasicProperties { ContentType = "application/vnd.masstransit+json" }, "{}"u8.ToArray()).AsTask()),
            Does.Contain("access to exchange 'Marketplace.Contracts.Settlement:OrderFunded' in vhost '/' refused for user 'payouts'"));
        Assert.That(await RefusedAsync(connection, channel => channel.ExchangeDeclareAsync("Marketplace.Contracts.Settlement:OrderFunded", "fanout", durable: true)),
            Does.Contain("access to exchange 'Marketplace.Contracts.Settlement:OrderFunded' in vhost '/' refused for user 'payouts'"));
        Assert.That(await RefusedAsync(connection, channel => channel.BasicGetAsync("settlement-order-published", false)),
            Does.Contain("access to queue 'settlement-order-published' in vhost '/' refused for user 'payouts'"));
        // Its own event's exchange it may declare (and so publish to, through its outbox).
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeDeclareAsync("Marketplace.Contracts.Payouts:PayoutSent", "fanout", durable: true);
        }

        // The real flow through three services, each with its own account: settlement funds the order orders published, and
        // tasks splits it.
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var order = await Scenario.PublishedOrderAsync(enterprise);
        Assert.That(await Scenario.EscrowAsync(order), Is.EqualTo(3.60m));
    }

    [Test]
    public async Task Each_services_broker_permissions_allow_exactly_the_messages_its_code_publishes_and_consumes()
    {
        var declared = MessageRoutes.Declared(Cluster.Root);
        var permissions = (await Cluster.RabbitMqAsync("permissions"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length == 4)
            .ToDictionary(f => f[0], f => (Configure: new Regex(f[1]), Write: new Regex(f[2]), Read: new Regex(f[3])));
        var published = declared.Where(r => r.Verb is "publishes" or "requests").ToList();
        foreach (var service in MessageRoutes.Services)
        {
            var own = declared.Where(r => r.Service == service).ToList();
            Assert.That(MessageRoutes.InCode(Cluster.Root, service), Is.EquivalentTo(own),
                $"infra/message-routes.conf must list exactly what {service}'s code publishes, requests and consumes");
            Assert.That(permissions, Contains.Key(service), $"{service} has its own RabbitMQ user");
            var (configure, write, read) = permissions[service];
            foreach (var route in own)
            {
                Assert.That(configure.IsMatch(route.Message), $"{route}: may declare its exchange");
                if (route.Verb == "consumes") Assert.That(read.IsMatch(route.Message), $"{route}: may bind to its exchange");
                else Assert.That(write.IsMatch(route.Message), $"{route}: may write to its exchange");
            }
            foreach (var theirs in published.Where(p => p.Service != service && !own.Any(o => o.Verb != "consumes" && o.Message == p.Message)))
            {
                Assert.That(write.IsMatch(theirs.Message), Is.False, $"{service} may publish {theirs.Message}, which only {theirs.Service} publishes");
            }
            foreach (var other in MessageRoutes.Services.Where(o => o != service))
            {
                Assert.That(read.IsMatch($"{other}-order-published") || configure.IsMatch($"{other}-order-published"), Is.False,
                    $"{service} may read or configure {other}'s queues");
            }
        }
        Assert.That(permissions.Keys.Where(u => !MessageRoutes.Services.Contains(u)), Is.EquivalentTo(new[] { "test" }),
            "besides the services' own users only the tests' admin exists");
    }

    /// <summary>The connection string of <paramref name="service"/>'s own role, aimed at <paramref name="database"/>'s database of this run.</summary>
    private static string AsService(string service, string database) =>
        new NpgsqlConnectionStringBuilder(Cluster.ServiceConnectionString(service)) { Database = Cluster.DatabaseName(database), Pooling = false }.ConnectionString;

    /// <summary>Runs one action on a fresh channel and answers the broker's reason for closing it (it must: 403 ACCESS_REFUSED).</summary>
    private static async Task<string> RefusedAsync(IConnection connection, Func<IChannel, Task> action)
    {
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        try
        {
            await action(channel);
            // A publish is refused asynchronously: the broker closes the channel; a round trip lets that arrive.
            await channel.ExchangeDeclarePassiveAsync("amq.fanout");
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.PublishException)
        {
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!channel.IsClosed && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.That(channel.CloseReason?.ReplyCode, Is.EqualTo(403), $"refused (ACCESS_REFUSED), not {channel.CloseReason}");
        return channel.CloseReason!.ReplyText;
    }
}
