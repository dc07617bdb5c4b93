using System.Net;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Marketplace.EndToEnd.Tests.Bidding;

/// <summary>
/// Helpers for a contracted order's work: an order tendered and awarded through the real services (orders, bidding,
/// settlement), work packages made through orders' API, workers who passed a real exam, team invitations in tasks.
/// </summary>
public static class Contracted
{
    public sealed record Order(Actor Enterprise, Guid Id, Actor Vendor, decimal ContractPrice);

    /// <summary>
    /// A bid-mode order of <paramref name="items"/> items, awarded to <paramref name="vendor"/> at <paramref name="price"/> and
    /// in progress; <paramref name="sampleSize"/> items are sampled at acceptance (null: the order's default).
    /// </summary>
    public static async Task<Order> AwardedAsync(Actor vendor, string grade = "general", int items = 10, decimal price = 15m, int? sampleSize = null)
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 100m);
        var body = Scenario.OrderBodyWith(new
        {
            mode = "bid", industry = Tender.Industry, dataGrade = grade, tender = new { bidDeadline = DateTimeOffset.UtcNow.AddHours(1) },
        }, items: items, unitPrice: 2m);
        if (sampleSize is { } size) body["sampleSize"] = size;
        var orderId = (await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "tendering");
        var call = new Tender.Call(await Tender.CallIdAsync(enterprise, orderId), orderId, enterprise);
        var bidId = await Tender.BidAsync(vendor, call, amount: price, deliverInDays: 5);
        await Tender.PassDeadlineAsync(call);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "evaluating");
        await Api.ReadAsync(await enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId }), HttpStatusCode.OK);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        return new Order(enterprise, orderId, vendor, price);
    }

    public static Task<HttpResponseMessage> PackageAsync(Actor vendor, Guid orderId, object body, string? key = null) =>
        vendor.PostAsync($"/api/orders/orders/{orderId}/work/packages", body, key ?? Guid.NewGuid().ToString());

    public static async Task<Guid> PackageIdAsync(Actor vendor, Guid orderId, object body) =>
        (await Api.ReadAsync(await PackageAsync(vendor, orderId, body), HttpStatusCode.Created)).GetProperty("id").GetGuid();

    public static Task<JsonElement> PlanAsync(Actor vendor, Guid orderId) => vendor.GetAsync($"/api/orders/orders/{orderId}/work");

    /// <summary>Tasks split the package: the vendor sees its slots (it stands where an enterprise would).</summary>
    public static Task WaitForSplitAsync(Actor vendor, Guid packageId, int slots) =>
        Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(vendor, packageId) == slots, $"tasks split package {packageId}");

    private static readonly SemaphoreSlim ExamGate = new(1, 1);
    private static Guid? examId;

    /// <summary>One exam for the run, made by the operator; every talent-pool worker passes it.</summary>
    public static async Task<Guid> ExamAsync()
    {
        await ExamGate.WaitAsync();
        try
        {
            examId ??= await NewExamAsync($"tender-sentiment-{Cluster.RunId}");
            return examId.Value;
        }
        finally
        {
            ExamGate.Release();
        }
    }

    /// <summary>An exam of its own granting <paramref name="qualification"/> (a test that looks its workers up by it).</summary>
    public static async Task<Guid> NewExamAsync(string qualification)
    {
        var op = await Api.OperatorAsync();
        var exam = await Api.ReadAsync(await op.PostAsync("/api/tasks/exams", new
        {
            qualification,
            name = "Sentiment for contracted work", instructions = "Choose the sentiment the reviewer expresses.",
            taskType = Tender.TaskType, industry = Tender.Industry, labels = new[] { "positive", "negative" }, passMark = 0.6m,
            timeLimitSeconds = 600, retakeCooldownSeconds = 86_400,
            trainingItems = new[] { new { id = "t1", content = "Love it.", knownAnswer = (object)"positive", explanation = "Praise is positive." } },
            testItems = new[]
            {
                new { id = "q1", content = "Great value.", knownAnswer = (object)"positive" },
                new { id = "q2", content = "Arrived broken.", knownAnswer = (object)"negative" },
            },
        }), HttpStatusCode.Created);
        return exam.GetProperty("id").GetGuid();
    }

    /// <summary>A worker of the talent pool: identity verified and the exam (the run's, unless given) passed with both answers right.</summary>
    public static async Task<Actor> QualifiedWorkerAsync(Guid? examToPass = null)
    {
        var exam = examToPass ?? await ExamAsync();
        var worker = await Api.SignUpAsync("worker");
        var attempt = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exams/{exam}/attempts"), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{attempt}/training/t1", new { answer = "positive" }), HttpStatusCode.OK);
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{attempt}/test"), HttpStatusCode.OK);
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{attempt}/test/q1", new { answer = "positive" }), HttpStatusCode.OK);
        var last = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{attempt}/test/q2", new { answer = "negative" }), HttpStatusCode.OK);
        Assert.That(last.GetProperty("attemptStatus").GetString(), Is.EqualTo("passed"));
        return worker;
    }

    /// <summary>The vendor invites a qualified worker and the worker accepts: a member of the vendor's team.</summary>
    public static async Task<Actor> TeamMemberAsync(Actor vendor)
    {
        var worker = await QualifiedWorkerAsync();
        var invitation = await Api.ReadAsync(await vendor.PostAsync("/api/tasks/team/invitations", new { workerId = worker.UserId, message = "Join us." }),
            HttpStatusCode.Created);
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/team/invitations/{invitation.GetProperty("id").GetGuid()}/accept"), HttpStatusCode.OK);
        return worker;
    }

    /// <summary>The worker claims and answers everything of the package it can get.</summary>
    public static async Task<List<Guid>> WorkAsync(Actor worker, Guid packageId)
    {
        var done = new List<Guid>();
        while (true)
        {
            var response = await worker.PostAsync($"/api/tasks/assignments/claim?orderId={packageId}");
            if (response.StatusCode == HttpStatusCode.NoContent) return done;
            var assignment = await Api.ReadAsync(response, HttpStatusCode.OK);
            var id = assignment.GetProperty("assignmentId").GetGuid();
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
            done.Add(id);
        }
    }

    /// <summary>The vendor approves each of the submissions.</summary>
    public static async Task ApproveAsync(Actor vendor, IEnumerable<Guid> assignments)
    {
        foreach (var id in assignments)
            await Api.ReadAsync(await vendor.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
    }

    public static async Task<T> TasksScalarAsync<T>(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(Cluster.Database("tasks"));
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public static async Task<T> OrdersScalarAsync<T>(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(Cluster.Database("orders"));
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public static string Code(this JsonElement problem) => problem.GetProperty("code").GetString()!;
}
