using System.Net;
using System.Text.Json;
using Marketplace.EndToEnd.Tests.Bidding;

namespace Marketplace.EndToEnd.Tests.Abuse;

/// <summary>
/// One small world per role that others must not see into: an enterprise with a deposit, a published crowd order, a draft
/// order with an upload and a contracted order (call, bid, contract) won by its vendor; a worker holding a lease, with a
/// payout method, an identity and an exam attempt. Its private text carries a canary word and its private things have
/// ids; no answer to anyone outside it may hold either. The attackers are one fresh account of each role.
/// </summary>
public sealed class World
{
    public required Actor Enterprise, Vendor, Worker, Operator;
    public required Actor OtherEnterprise, OtherVendor, OtherWorker;

    /// <summary>A word in the world's private text (draft order, item content, payout holder, legal name).</summary>
    public required string Canary;

    /// <summary>The real ids of the world by the path segment that names them ("orders", "assignments", ...), most telling first.</summary>
    public required Dictionary<string, List<string>> Ids;

    /// <summary>Ids of things only the world's own organisations may see (anything else in <see cref="Ids"/> may be public, as an exam).</summary>
    public required HashSet<string> PrivateIds;

    public required string DepositKey;
    public required decimal DepositAmount;

    public Actor Owner(string role) => role switch
    {
        "enterprise" => Enterprise, "vendor" => Vendor, "worker" => Worker, "operator" => Operator, _ => throw new ArgumentException(role),
    };

    public Actor Outsider(string role) => role switch
    {
        "enterprise" => OtherEnterprise, "vendor" => OtherVendor, "worker" => OtherWorker, _ => throw new ArgumentException(role),
    };

    public static readonly string[] Roles = ["worker", "enterprise", "vendor", "operator"];

    public static async Task<World> SeedAsync()
    {
        var canary = "Qzcanary" + new string(Enumerable.Range(0, 8).Select(_ => (char)('a' + Random.Shared.Next(26))).ToArray());
        var op = await Api.OperatorAsync();
        var vendor = await Tender.VendorAsync();
        var contracted = await Contracted.AwardedAsync(vendor);
        var enterprise = contracted.Enterprise;
        var crowd = await Scenario.PublishedOrderAsync(enterprise, items: 2);

        var draftBody = Scenario.OrderBodyWith(new { title = $"Secret {canary}", instructions = $"Private {canary}" }, items: 1);
        draftBody["items"]![0]!["content"] = $"Confidential {canary}";
        var draft = (await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", draftBody.ToJsonString()), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        var upload = (await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{draft}/uploads", new { format = "jsonl", expectedBytes = 10 }),
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var depositKey = Guid.NewGuid().ToString();
        const decimal depositAmount = 7.00m;
        var deposit = (await Api.ReadAsync(await enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount = depositAmount, currency = "CNY" }, depositKey),
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Scenario.DepositSettledAsync(enterprise, deposit);

        var worker = await Api.SignUpAsync("worker", verified: false);
        await Api.ReadAsync(await worker.PostAsync("/api/tasks/workers/me/identity", new { legalName = $"Li {canary}", idNumber = Api.IdNumber() }), HttpStatusCode.OK);
        await Api.ReadAsync(await op.PostAsync($"/api/tasks/workers/{worker.UserId}/identity/review", new { decision = "verify" }), HttpStatusCode.OK);
        using (var stepUp = await worker.StepUpAsync())
            await Api.ReadAsync(await Api.Send(stepUp, HttpMethod.Put, "/api/payouts/method",
                new { method = "bank_card", account = "4111 1111 1111 1111", holderName = $"Holder {canary}" }), HttpStatusCode.OK);
        var assignment = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={crowd}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();
        var exam = await Contracted.ExamAsync();
        var attempt = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exams/{exam}/attempts"), HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var call = await Tender.CallIdAsync(enterprise, contracted.Id);
        var bid = FirstId(await vendor.GetAsync("/api/bidding/bids/mine"), _ => true);
        var contract = FirstId(await vendor.GetAsync("/api/bidding/contracts"), _ => true);
        var certification = (await Api.ReadAsync(await vendor.PostAsync("/api/orders/certifications",
            new { name = $"Level {canary}", issuer = "Bureau", grade = "important", validUntil = "2030-12-31" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var listing = FirstId(await enterprise.GetAsync("/api/orders/listings?sort=newest&pageSize=100"), l => l.ToString().Contains(vendor.OrgId.ToString()));

        var ids = new Dictionary<string, List<string>>
        {
            ["orders"] = [draft.ToString(), crowd.ToString(), contracted.Id.ToString()],
            ["deposits"] = [deposit.ToString()],
            ["uploads"] = [upload.ToString()],
            ["assignments"] = [assignment.ToString()],
            ["exam-attempts"] = [attempt.ToString()],
            ["exams"] = [exam.ToString()],
            ["workers"] = [worker.UserId.ToString()],
            ["members"] = [enterprise.UserId.ToString()],
            ["calls"] = [call.ToString()],
            ["bids"] = [bid.ToString()],
            ["vendors"] = [vendor.OrgId.ToString()],
            ["contracts"] = [contract.ToString()],
            ["certifications"] = [certification.ToString()],
            ["listings"] = [listing.ToString()],
        };
        return new World
        {
            Enterprise = enterprise, Vendor = vendor, Worker = worker, Operator = op,
            OtherEnterprise = await Api.SignUpAsync("enterprise"), OtherVendor = await Tender.VendorAsync(), OtherWorker = await Api.SignUpAsync("worker"),
            Canary = canary, Ids = ids,
            PrivateIds = [draft.ToString(), upload.ToString(), deposit.ToString(), assignment.ToString(), attempt.ToString(), bid.ToString(), certification.ToString()],
            DepositKey = depositKey, DepositAmount = depositAmount,
        };
    }

    /// <summary>The id of the first item of a list (or a page's items) that matches.</summary>
    private static Guid FirstId(JsonElement list, Func<JsonElement, bool> match)
    {
        var items = list.ValueKind == JsonValueKind.Array ? list : list.GetProperty("items");
        return items.EnumerateArray().First(match).GetProperty("id").GetGuid();
    }

    /// <summary>The kind of thing a path parameter names: the segment before it, else its name ("orderId": orders).</summary>
    public static string KindOf(string template, string parameter)
    {
        var segments = template.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.FindIndex(segments, s => s.Trim('{', '}').TrimStart('*').Split(':')[0] == parameter);
        if (at > 0 && !segments[at - 1].StartsWith('{')) return segments[at - 1];
        return parameter switch
        {
            "orderId" => "orders", "workerId" => "workers", "examId" => "exams", "userId" => "members", "vendorOrgId" => "vendors",
            _ => parameter,
        };
    }

    /// <summary>The world's ids for a parameter (every candidate), or a made-up value of the parameter's type.</summary>
    public IReadOnlyList<string> Candidates(Surface.Op op, Surface.Parameter parameter)
    {
        var kind = KindOf(op.Template, parameter.Name);
        if (Ids.TryGetValue(kind, out var list)) return list;
        return [Invented(parameter)];
    }

    /// <summary>A value of the parameter's type: one that could name something (a task type), or (<paramref name="nothing"/>) one that names nothing.</summary>
    public static string Invented(Surface.Parameter parameter, bool nothing = false) =>
        Surface.Format(parameter.Schema) == "uuid" ? Guid.NewGuid().ToString()
        : Surface.Kind(parameter.Schema) is "integer" or "number" ? nothing ? "999999999" : "1"
        : nothing ? "nothing-here" : parameter.Name switch { "name" => "boats/1.png", "taskType" => "text-classification", _ => "nothing-here" };

    /// <summary>The operation's path with each parameter filled: the first one by <paramref name="first"/>, the rest by the world's first id.</summary>
    public string Fill(Surface.Op op, string? first = null, bool invent = false)
    {
        var path = op.Path;
        var index = 0;
        foreach (var parameter in op.InPath)
        {
            var value = invent ? Invented(parameter, nothing: true) : index == 0 && first is not null ? first : Candidates(op, parameter)[0];
            path = System.Text.RegularExpressions.Regex.Replace(path, "\\{\\*{0,2}" + parameter.Name + "(:[^}]*)?\\}", value);
            index++;
        }
        return path;
    }

    /// <summary>A body field that names a thing ("orderId", "workerId") filled with the world's id of that kind.</summary>
    public void PointAtWorld(System.Text.Json.Nodes.JsonObject body)
    {
        foreach (var (name, value) in body.ToList())
        {
            if (value is null || !name.EndsWith("Id", StringComparison.Ordinal) || value.GetValueKind() != JsonValueKind.String
                || !Guid.TryParse(value.GetValue<string>(), out _)) continue;
            var kind = name[..^2] switch { "order" => "orders", "worker" => "workers", "bid" => "bids", "call" => "calls", "assignment" => "assignments",
                "exam" => "exams", "contract" => "contracts", "vendorOrg" => "vendors", "user" => "members", var other => other + "s" };
            if (Ids.TryGetValue(kind, out var ids)) body[name] = ids[0];
        }
    }
}
