using System.Diagnostics;
using System.Net;

namespace Marketplace.EndToEnd.Tests.Abuse;

/// <summary>
/// The abuse suite, generated from the services' OpenAPI documents (docs/security.md, "The generated abuse suite"): the
/// access matrix and at least 5,000 bad requests against one seeded world. It runs alone, because it also proves that
/// the bad requests changed no row of any table of any service, which only holds while no other test is writing.
/// </summary>
[TestFixture, NonParallelizable]
public class AbuseSuiteTests
{
    private World world = null!;
    private Surface surface = null!;

    /// <summary>(operation, role) pairs an outsider may read or act on with the world's ids, and why.</summary>
    private static readonly Dictionary<(string Operation, string Role), string> Public = new()
    {
    };

    [OneTimeSetUp]
    public async Task SeedTheWorldAsync()
    {
        surface = await Surface.ReadAsync();
        world = await World.SeedAsync();
    }

    [Test, Order(1)]
    public async Task No_caller_sees_or_moves_what_is_not_theirs_in_any_cell_of_the_access_matrix()
    {
        var clock = Stopwatch.StartNew();
        var entries = new AccessMatrix(world).Generate(surface);
        var answers = await Prober.SendAllAsync(entries.Select(e => e.Probe).ToList());
        // What an outsider may find by id: the operator's exams, vendors' listings and public records, workers' public profiles.
        var closed = world.Ids.Where(k => k.Key is not ("exams" or "listings" or "vendors" or "workers")).SelectMany(k => k.Value).ToHashSet();
        var wrong = new List<string>();
        var ownerReads = 0;
        foreach (var (entry, answer) in entries.Zip(answers))
        {
            var op = entry.Probe.Op;
            var who = $"{entry.Cell} {entry.Caller}: {answer}";
            if (answer.Status >= 500) wrong.Add(who);
            else if (answer.Text.Contains(world.Canary, StringComparison.Ordinal) && entry.Cell != AccessMatrix.Cell.Owner) wrong.Add("canary leaked: " + who);
            switch (entry.Cell)
            {
                case AccessMatrix.Cell.NoToken or AccessMatrix.Cell.Garbage when !op.Anonymous:
                    if (answer.Status != 401) wrong.Add("not 401: " + who);
                    break;
                case AccessMatrix.Cell.NoToken or AccessMatrix.Cell.Garbage:
                    if (answer.Status is < 400 or >= 500) wrong.Add("an anonymous endpoint did something without its signature or body: " + who);
                    break;
                case AccessMatrix.Cell.WrongRole:
                    if (answer.Status != 403) wrong.Add("not 403: " + who);
                    break;
                case AccessMatrix.Cell.Outsider when answer.Status is >= 200 and < 300:
                    if (world.PrivateIds.FirstOrDefault(id => answer.Text.Contains(id, StringComparison.OrdinalIgnoreCase)) is { } id)
                        wrong.Add($"private id {id} leaked: {who}");
                    else if (closed.Any(entry.Probe.Path.Contains) && !Public.ContainsKey((op.ToString(), entry.Caller)))
                        wrong.Add("answered an outsider about the world's thing: " + who);
                    break;
                case AccessMatrix.Cell.Owner:
                    if (answer.Status is >= 200 and < 300) ownerReads++;
                    break;
            }
            if (answer.Status is >= 400 and < 500 && op.Method != "HEAD" && !answer.IsNamedProblem) wrong.Add("4xx without a ProblemDetails: " + who);
        }
        Report("access matrix", $"{surface.Operations.Count} operations, {entries.Count} cells "
            + string.Join(", ", entries.GroupBy(e => e.Cell).Select(g => $"{g.Key}: {g.Count()}")) + $", owner reads answered: {ownerReads}, {clock.Elapsed.TotalSeconds:F0} s", wrong);
        Assert.That(wrong, Is.Empty, string.Join("\n", wrong.Take(60)));
        // The world's ids are real: its owners read their own things through the same paths the outsiders were refused.
        Assert.That(ownerReads, Is.GreaterThanOrEqualTo(15), "the owners could read too few of their own things: the matrix would test nothing");
    }

    [Test, Order(2)]
    public async Task Thousands_of_bad_requests_get_a_named_4xx_and_change_no_row_of_any_table()
    {
        var clock = Stopwatch.StartNew();
        var before = await RowCounts.SettledAsync(TimeSpan.FromSeconds(30));
        var generator = new BadInput(world, new Random(14));
        var probes = generator.Generate(surface);
        var answers = (await Prober.SendAllAsync(probes)).ToList();
        foreach (var (first, replay) in generator.Replays(surface))
        {
            answers.Add(await Prober.SendAsync(first));
            answers.Add(await Prober.SendAsync(replay));
        }
        var wrong = new List<string>();
        foreach (var answer in answers)
        {
            if (answer.Status >= 500) wrong.Add(answer.ToString());
            else if (answer.Status is >= 200 and < 300 && answer.Probe.MustRefuse) wrong.Add("accepted: " + answer);
            else if (answer.Status is >= 400 and < 500 && answer.Probe.Method != "HEAD" && !answer.IsNamedProblem && !KestrelRefused(answer))
                wrong.Add("4xx without a ProblemDetails: " + answer);
            else if (answer.Status == 429 && !answer.RetryAfter) wrong.Add("429 without Retry-After: " + answer);
            else if (answer.Status == 400 && answer.Probe.Field is { } field && !answer.Names(field)) wrong.Add($"400 not naming {field}: {answer}");
        }

        // No request left a pooled connection broken: the owners' own reads, many at once, all answer.
        var reads = new[]
        {
            (world.Enterprise, $"/api/orders/orders/{world.Ids["orders"][0]}"), (world.Enterprise, "/api/settlement/wallet"),
            (world.Worker, $"/api/tasks/assignments/{world.Ids["assignments"][0]}"), (world.Worker, "/api/payouts/method"),
            (world.Vendor, "/api/bidding/contracts"), (world.Vendor, "/api/orders/certifications"), (world.Worker, "/api/auth/me"),
        };
        var healthy = await Task.WhenAll(Enumerable.Range(0, 6).SelectMany(_ => reads).Select(async r => (r.Item2, (await r.Item1.Http.GetAsync(r.Item2)).StatusCode)));
        wrong.AddRange(healthy.Where(h => h.StatusCode != HttpStatusCode.OK).Select(h => $"a valid read after the bad input answered {(int)h.StatusCode}: {h.Item1}"));

        var after = await RowCounts.SettledAsync(TimeSpan.FromSeconds(10));
        var changed = RowCounts.Differences(before, after);
        wrong.AddRange(changed.Select(c => "rows changed: " + c));
        Report("bad input", $"{surface.Operations.Count} operations, {answers.Count} requests ({answers.Count(a => a.Probe.MustRefuse)} certainly bad), "
            + $"{before.Count} tables counted, statuses " + string.Join(" ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}"))
            + $", {clock.Elapsed.TotalSeconds:F0} s", wrong);
        Assert.That(answers, Has.Count.GreaterThanOrEqualTo(5000));
        Assert.That(wrong, Is.Empty, string.Join("\n", wrong.Take(60)));
    }

    /// <summary>
    /// Kestrel itself refuses a path holding an encoded NUL (400, no body) while reading the request line, before any of
    /// our code runs, so nothing can give that answer a ProblemDetails; it never reaches a database either.
    /// </summary>
    private static bool KestrelRefused(Answer answer) =>
        answer.Status == 400 && answer.Text.Length == 0 && answer.Probe.Path.Split('?')[0].Contains("%00", StringComparison.Ordinal);

    /// <summary>The counts and every finding, in the run's output and in .data/test/abuse-*.txt (CI keeps .data/test).</summary>
    private static void Report(string part, string counts, List<string> findings)
    {
        TestContext.Progress.WriteLine($"abuse suite, {part}: {counts}; {findings.Count} findings");
        var folder = Path.Combine(Cluster.Root, ".data/test");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, $"abuse-{part.Replace(' ', '-')}.txt"), counts + "\n" + string.Join("\n", findings) + "\n");
    }
}
