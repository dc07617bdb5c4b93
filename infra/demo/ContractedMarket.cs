using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static ContractedTexts;

/// <summary>
/// The contracted market, seeded as its people would drive it: a bank tenders core data and an automaker important and
/// general data; three vendors certified by the operator bid sealed; the enterprises award after the bid deadline; each
/// winner works its order with its own team (workers it invited from the talent pool), the crowd (not for core data)
/// and a sub-vendor, which works its share with its own team; the enterprises accept, and every party is paid. One
/// delivery is contested and left in the operator's dispute queue, one call is left open for bids.
/// </summary>
static class ContractedMarket
{
    public sealed record Party(HttpClient Http, string UserId, string OrgId, string Name);

    public sealed record People(HttpClient Op, Party Bank, Party Automaker, Party Yuntu, Party Zhibiao, Party Tianfu, Party[] Talent)
    {
        public Party[] Vendors => [Yuntu, Zhibiao, Tianfu];
        /// <summary>The two workers of the talent pool the vendor invites to its team.</summary>
        public Party[] TeamOf(Party vendor) => Talent.Skip(2 * Array.IndexOf(Vendors, vendor)).Take(2).ToArray();
    }

    private sealed record Tender(Party Enterprise, Batch Batch, string OrderId, string CallId);

    /// <summary>Long enough for the three calls to open and the bids to be placed; the talent pool is built meanwhile.</summary>
    private static readonly TimeSpan BidWindow = TimeSpan.FromSeconds(90);

    public static async Task<People> AccountsAsync(Uri gateway, HttpClient op)
    {
        async Task<Party> Account(string role, string email, string name, string? organisation)
        {
            var http = await Demo.Account(gateway, role, email, name, organisation);
            var me = await Demo.Me(http);
            return new Party(http, me["userId"]!.GetValue<string>(), me["organisationId"]!.GetValue<string>(), organisation ?? name);
        }

        var talent = new List<Party>();
        foreach (var (email, name, idNumber) in new[]
                 {
                     ("he.jing@workers.example", "何静", "520102199104125320"), ("yang.fan@workers.example", "杨帆", "520103199306218310"),
                     ("ma.chao@workers.example", "马超", "340104199011054410"), ("guo.min@workers.example", "郭敏", "340111199207086620"),
                     ("luo.lei@workers.example", "罗磊", "510104199408125530"), ("liang.xue@workers.example", "梁雪", "510107199512034440"),
                 })
        {
            var worker = await Account("worker", email, name, null);
            await Demo.Verify(op, worker.Http, name, idNumber);
            talent.Add(worker);
        }
        return new People(op,
            await Account("enterprise", "zhou.ting@sz-hengxin-bank.example", "周婷", "苏州恒信银行股份有限公司"),
            await Account("enterprise", "sun.hao@wh-zhixing-auto.example", "孙浩", "武汉智行汽车科技有限公司"),
            await Account("vendor", "wu.lei@gy-yuntu-data.example", "吴磊", "贵阳云图数据科技有限公司"),
            await Account("vendor", "xu.jing@hf-zhibiao.example", "许静", "合肥智标信息技术有限公司"),
            await Account("vendor", "deng.wei@cd-tianfu-label.example", "邓伟", "成都天府数智标注有限公司"),
            talent.ToArray());
    }

    /// <summary>The last thing seeded is Tianfu's sealed bid on the bank's open call.</summary>
    public static async Task<bool> SeededAsync(People p)
    {
        var bids = (await p.Tianfu.Http.GetFromJsonAsync<JsonObject>("/api/bidding/bids/mine?pageSize=100"))!;
        return bids["items"]!.AsArray().Any(b => b!["callTitle"]!.GetValue<string>() == InstalmentCalls.Title);
    }

    public static async Task SeedAsync(People p, List<HttpClient> crowd)
    {
        foreach (var vendor in p.Vendors) await QualifyAsync(p.Op, vendor);
        Console.WriteLine("demo: three vendors certified for core data by the operator, listed for text classification in finance and autonomous driving");

        await Deposit(p.Bank, 300.00m);
        await Deposit(p.Automaker, 300.00m);
        var bidDeadline = DateTimeOffset.UtcNow.Add(BidWindow);
        var core = await TenderAsync(p.Bank, SuspiciousTransactions, bidDeadline);
        var important = await TenderAsync(p.Automaker, RoadTestScenes, bidDeadline);
        var voice = await TenderAsync(p.Automaker, VoiceCommands, bidDeadline);
        Console.WriteLine($"demo: three calls for bids open until {bidDeadline.ToLocalTime():HH:mm:ss} (core, important and general data)");

        await BidAsync(p.Zhibiao, core, 28.80m, days: 12, team: 4, "4人专职团队，单人标注加组长抽检20%，12天交付。");
        await BidAsync(p.Yuntu, core, 32.40m, days: 6, team: 8,
            "贵阳自有封闭标注场地，终端无外网、禁带手机；双人背靠背标注，分歧由金融风控背景的质检员裁定，全量复核后交付。");
        await BidAsync(p.Tianfu, core, 34.20m, days: 5, team: 10, "10人团队两班倒，5天交付；质检抽检30%。");
        await BidAsync(p.Zhibiao, important, 24.00m, days: 10, team: 3, "3人团队，10天交付。");
        await BidAsync(p.Tianfu, important, 27.00m, days: 4, team: 6,
            "自有团队负责复杂路口场景，简单场景交由通过审查的众包标注员，部分分包给同样持证的合作服务商，4天交付。");
        await BidAsync(p.Zhibiao, voice, 10.80m, days: 7, team: 2, "2名有座舱语音项目经验的标注员，7天交付。");
        Console.WriteLine("demo: six sealed bids placed (three on the core-data call)");

        await TalentPoolAsync(p);
        await ClearForImportantDataAsync(p.Op, crowd);
        await WaitOutAsync(bidDeadline, core, important, voice);

        await AwardAsync(core, p.Yuntu,
            "云图在贵阳自有封闭场地标注、双人背靠背并全量复核，更符合本行核心数据的安全要求；报价低于综合排名第一的天府，交付只晚一天。");
        await AwardAsync(important, p.Tianfu, "综合评分第一，交付最快，分层作业方案清晰。");
        await AwardAsync(voice, p.Zhibiao, null);

        // Core data: Yuntu's own team and a sub-contract to Zhibiao (core-certified too), which Zhibiao's team works.
        var coreTeam = await PackageAsync(p.Yuntu, core, new { kind = "team", items = 7, rewardPerAnswer = 1.50m });
        var coreSub = await SubcontractAsync(p.Yuntu, core, p.Zhibiao, items: 5, price: 12.00m);
        var coreSubTeam = await PackageAsync(p.Zhibiao, core, new { kind = "team", items = 5, rewardPerAnswer = 1.60m });
        // Important data, three tiers: Tianfu's team, the cleared crowd, and a sub-contract to Yuntu's team.
        var roadTeam = await PackageAsync(p.Tianfu, important, new { kind = "team", items = 4, rewardPerAnswer = 1.50m });
        var roadCrowd = await PackageAsync(p.Tianfu, important, new { kind = "crowd", items = 4, rewardPerAnswer = 1.20m });
        await SubcontractAsync(p.Tianfu, important, p.Yuntu, items: 4, price: 8.80m);
        var roadSubTeam = await PackageAsync(p.Yuntu, important, new { kind = "team", items = 4, rewardPerAnswer = 1.50m });
        var voiceTeam = await PackageAsync(p.Zhibiao, voice, new { kind = "team", items = 8, rewardPerAnswer = 1.00m });
        Console.WriteLine($"demo: work packages made (core sub-contract {coreSub} accepted by {p.Zhibiao.Name})");

        await WorkAsync(p.Yuntu, Team(p, p.Yuntu), coreTeam, 7);
        await WorkAsync(p.Zhibiao, Team(p, p.Zhibiao), coreSubTeam, 5);
        await WorkAsync(p.Tianfu, Team(p, p.Tianfu), roadTeam, 4);
        await WorkAsync(p.Tianfu, crowd, roadCrowd, 4);
        await WorkAsync(p.Yuntu, Team(p, p.Yuntu), roadSubTeam, 4);
        await WorkAsync(p.Zhibiao, Team(p, p.Zhibiao), voiceTeam, 8);
        Console.WriteLine("demo: the teams, the crowd and the sub-vendors labeled their packages; each vendor approved its own");

        foreach (var tender in new[] { core, important })
        {
            await Demo.WaitFor(tender.Enterprise.Http, tender.OrderId, "delivered", seconds: 180);
            await Demo.Judge(tender.Enterprise.Http, tender.OrderId, wrong: 0);
            await Demo.WaitFor(tender.Enterprise.Http, tender.OrderId, "closed", seconds: 120);
        }
        Console.WriteLine("demo: the core-data and important-data orders were delivered and accepted");

        await Demo.WaitFor(p.Automaker.Http, voice.OrderId, "delivered", seconds: 180);
        await Demo.Judge(p.Automaker.Http, voice.OrderId, wrong: 2,
            finding: "与《座舱语音意图标注规范》v2 第3.2条不符：该句应结合上下文判定意图。");
        await Demo.WaitFor(p.Automaker.Http, voice.OrderId, "rework");
        await Demo.Ok(await p.Zhibiao.Http.PostAsJsonAsync($"/api/orders/orders/{voice.OrderId}/disputes", new
        {
            evidence = "抽检判错的两条与需方提供的《座舱语音意图标注规范》v2 第3.2条示例4、示例6的标注完全一致，" +
                       "且验收意见未指出应标为哪个意图。申请平台依据规范裁定验收通过并全额结算。",
        }));
        await Demo.WaitFor(p.Automaker.Http, voice.OrderId, "disputed");
        Console.WriteLine($"demo: the voice-command delivery failed acceptance; {p.Zhibiao.Name} contested it, the dispute waits for the operator");

        await ReceivablesAsync(p, core, important);
        await WithdrawAsync(p.Yuntu, 5.00m);

        var open = await TenderAsync(p.Bank, InstalmentCalls, DateTimeOffset.UtcNow.AddDays(5));
        await BidAsync(p.Tianfu, open, 14.40m, days: 15, team: 5, "5名具备金融合规质检经验的标注员，双人复核，15天交付。");
        Console.WriteLine($"demo: a call left open for bids until {DateTimeOffset.UtcNow.AddDays(5):yyyy-MM-dd} ({InstalmentCalls.Title}), one sealed bid in");
    }

    /// <summary>A certification the operator approves and a listing, unless the vendor has them (a run cut short).</summary>
    private static async Task QualifyAsync(HttpClient op, Party vendor)
    {
        var approved = (await vendor.Http.GetFromJsonAsync<JsonArray>("/api/orders/certifications?status=approved"))!;
        if (!approved.Any(c => c!["grade"]!.GetValue<string>() == "core"))
        {
            var cert = (await Demo.Ok(await vendor.Http.PostAsJsonAsync("/api/orders/certifications", new
            {
                name = "数据安全管理认证（核心数据处理）", issuer = "中国网络安全审查认证和市场监管大数据中心", grade = "core", validUntil = "2028-12-31",
            })))!;
            await Demo.Ok(await op.PostAsJsonAsync($"/api/orders/certifications/{cert["id"]!.GetValue<string>()}/review",
                new { decision = "approve", note = "证书编号与发证机构公示信息一致，有效期内。" }));
        }
        var listings = (await vendor.Http.GetFromJsonAsync<JsonObject>($"/api/orders/listings?vendor={vendor.OrgId}"))!;
        if (listings["total"]!.GetValue<long>() > 0) return;
        await Demo.Ok(await vendor.Http.PostAsJsonAsync("/api/orders/listings", new
        {
            vendorName = vendor.Name, title = "金融与智能驾驶文本标注", description = "持证团队在封闭场地作业，双人标注加质检复核；支持核心数据与重要数据项目。",
            taskTypes = new[] { "text-classification" }, industries = new[] { "finance", "autonomous-driving" }, languages = new[] { "zh-CN" },
            capacityPerDay = 20_000, priceMin = 0.80m, priceMax = 5.00m,
        }));
    }

    private static async Task Deposit(Party enterprise, decimal amount)
    {
        await Demo.Deposit(enterprise.Http, amount);
        Console.WriteLine($"demo: {enterprise.Name} deposited {amount:0.00} CNY");
    }

    /// <summary>A bid-mode order published; once settlement reserved its budget, bidding opens its call.</summary>
    private static async Task<Tender> TenderAsync(Party enterprise, Batch batch, DateTimeOffset bidDeadline)
    {
        var order = (await Demo.Ok(await enterprise.Http.PostAsJsonAsync("/api/orders/orders", new
        {
            title = batch.Title, instructions = batch.Instructions, taskType = "text-classification", labels = batch.Labels,
            items = batch.Items.Select((item, i) => new { id = $"item-{i + 1:000}", content = item.Text }).ToArray(),
            unitPrice = batch.UnitPrice, currency = "CNY", deadline = DateTimeOffset.UtcNow.AddDays(30),
            mode = "bid", dataGrade = batch.Grade, industry = batch.Industry, sampleSize = batch.SampleSize,
            tender = new { bidDeadline, latePenaltyPercentPerDay = 2m, maxPenaltyPercent = 10m },
        })))!["id"]!.GetValue<string>();
        await Demo.Ok(await enterprise.Http.PostAsync($"/api/orders/orders/{order}/publish", null));
        await Demo.WaitFor(enterprise.Http, order, "tendering");
        string? call = null;
        await Demo.Until(async () => (call = await CallIdAsync(enterprise, order)) is not null, $"bidding opened the call for {batch.Title}");
        return new Tender(enterprise, batch, order, call!);
    }

    private static async Task<string?> CallIdAsync(Party party, string orderId)
    {
        var calls = (await party.Http.GetFromJsonAsync<JsonObject>($"/api/bidding/calls?orderId={orderId}&sort=newest&pageSize=1"))!;
        return calls["items"]!.AsArray().FirstOrDefault()?["id"]!.GetValue<string>();
    }

    /// <summary>The vendor finds the call among its open calls (bidding knows its certificate and listing) and bids.</summary>
    private static async Task BidAsync(Party vendor, Tender tender, decimal total, int days, int team, string proposal)
    {
        await Demo.Until(async () => await CallIdAsync(vendor, tender.OrderId) == tender.CallId, $"{vendor.Name} sees the call for {tender.Batch.Title}");
        await Demo.Ok(await vendor.Http.PostAsJsonAsync($"/api/bidding/calls/{tender.CallId}/bids", new
        {
            priceKind = "total", amount = total, deliverBy = DateTimeOffset.UtcNow.AddDays(days), teamSize = team, proposal,
        }));
    }

    /// <summary>
    /// The operator's entry exam makes the talent pool; each vendor invites two of its workers, who accept. Skips
    /// what an earlier run cut short already did.
    /// </summary>
    private static async Task TalentPoolAsync(People p)
    {
        var exams = (await p.Op.GetFromJsonAsync<JsonArray>($"/api/tasks/exams?qualification={Uri.EscapeDataString(Qualification)}"))!;
        var exam = exams.FirstOrDefault()?["id"]!.GetValue<string>() ?? (await Demo.Ok(await p.Op.PostAsJsonAsync("/api/tasks/exams", new
        {
            qualification = Qualification, name = "中文文本分类上岗考试", instructions = "阅读每条评价，判断评价者的态度：正面、负面或中性。",
            taskType = "text-classification", industry = "other", labels = ExamLabels, passMark = 0.75m, timeLimitSeconds = 1200,
            trainingItems = ExamTraining.Select(t => new { id = t.Id, content = t.Text, knownAnswer = t.Answer, explanation = t.Explanation }),
            testItems = ExamTest.Select(t => new { id = t.Id, content = t.Text, knownAnswer = t.Answer }),
        })))!["id"]!.GetValue<string>();

        foreach (var worker in p.Talent)
        {
            var profile = (await worker.Http.GetFromJsonAsync<JsonObject>("/api/tasks/workers/me"))!;
            if (profile["qualifications"]!.AsArray().Any(q => q!["name"]!.GetValue<string>() == Qualification)) continue;
            var attempt = (await Demo.Ok(await worker.Http.PostAsync($"/api/tasks/exams/{exam}/attempts", null)))!["id"]!.GetValue<string>();
            foreach (var (id, _, answer, _) in ExamTraining)
                await Demo.Ok(await worker.Http.PostAsJsonAsync($"/api/tasks/exam-attempts/{attempt}/training/{id}", new { answer }));
            await Demo.Ok(await worker.Http.PostAsync($"/api/tasks/exam-attempts/{attempt}/test", null));
            foreach (var (id, _, answer) in ExamTest)
                await Demo.Ok(await worker.Http.PostAsJsonAsync($"/api/tasks/exam-attempts/{attempt}/test/{id}", new { answer }));
        }

        foreach (var vendor in p.Vendors)
        {
            var members = (await vendor.Http.GetFromJsonAsync<JsonObject>("/api/tasks/team/members?pageSize=100"))!["items"]!.AsArray()
                .Select(m => m!["workerId"]!.GetValue<string>()).ToHashSet();
            foreach (var worker in p.TeamOf(vendor))
            {
                if (members.Contains(worker.UserId)) continue;
                var response = await vendor.Http.PostAsJsonAsync("/api/tasks/team/invitations", new
                {
                    workerId = worker.UserId, message = $"您好，{vendor.Name}邀请您加入我们的标注团队，参与金融与智能驾驶数据项目。",
                });
                if (response.StatusCode != System.Net.HttpStatusCode.Conflict) await Demo.Ok(response); // team.invitation_pending: a run cut short
                var mine = (await worker.Http.GetFromJsonAsync<JsonObject>("/api/tasks/team/invitations/mine?status=pending"))!;
                var invitation = mine["items"]!.AsArray().First(i => i!["vendorOrgId"]!.GetValue<string>() == vendor.OrgId)!["id"]!.GetValue<string>();
                await Demo.Ok(await worker.Http.PostAsync($"/api/tasks/team/invitations/{invitation}/accept", null));
            }
        }
        Console.WriteLine("demo: six workers passed the operator's entry exam (the talent pool); each vendor invited two, who accepted");
    }

    /// <summary>Important data needs cleared crowd workers: the current confidentiality agreement signed, vetted by an operator.</summary>
    private static async Task ClearForImportantDataAsync(HttpClient op, List<HttpClient> crowd)
    {
        var version = (await op.GetFromJsonAsync<JsonObject>("/api/tasks/agreements/current"))!["version"]!.GetValue<int>();
        foreach (var worker in crowd)
        {
            var profile = (await worker.GetFromJsonAsync<JsonObject>("/api/tasks/workers/me"))!;
            if (profile["clearance"]!.GetValue<string>() == "important") continue;
            await Demo.Ok(await worker.PostAsJsonAsync("/api/tasks/workers/me/agreement", new { version }));
            await Demo.Ok(await op.PostAsJsonAsync($"/api/tasks/workers/{profile["workerId"]!.GetValue<string>()}/vetting",
                new { decision = "vet", note = "背景审查通过，可处理重要数据。" }));
        }
        Console.WriteLine("demo: two crowd workers signed the confidentiality agreement and were vetted for important data");
    }

    /// <summary>The bids stay sealed until the deadline; bidding's sweep closes the calls at it (every 5 s).</summary>
    private static async Task WaitOutAsync(DateTimeOffset bidDeadline, params Tender[] tenders)
    {
        for (var left = bidDeadline - DateTimeOffset.UtcNow; left > TimeSpan.Zero; left = bidDeadline - DateTimeOffset.UtcNow)
        {
            Console.WriteLine($"demo: waiting for the bid deadline, {Math.Ceiling(left.TotalSeconds)} s left...");
            await Task.Delay(left < TimeSpan.FromSeconds(15) ? left : TimeSpan.FromSeconds(15));
        }
        foreach (var tender in tenders) await Demo.WaitFor(tender.Enterprise.Http, tender.OrderId, "evaluating");
        Console.WriteLine("demo: the calls closed; the enterprises see the bids side by side");
    }

    /// <summary>The enterprise reads the ranked bids and awards the winner's (a reason is needed unless it ranks first).</summary>
    private static async Task AwardAsync(Tender tender, Party winner, string? reason)
    {
        var bids = (await tender.Enterprise.Http.GetFromJsonAsync<JsonObject>($"/api/bidding/calls/{tender.CallId}/bids?pageSize=100"))!["items"]!.AsArray();
        var bid = bids.First(b => b!["vendorOrgId"]!.GetValue<string>() == winner.OrgId)!;
        await Demo.Ok(await tender.Enterprise.Http.PostAsJsonAsync($"/api/bidding/calls/{tender.CallId}/award", new { bidId = bid["bidId"]!.GetValue<string>(), reason }));
        await Demo.WaitFor(tender.Enterprise.Http, tender.OrderId, "in_progress");
        Console.WriteLine($"demo: {tender.Enterprise.Name} awarded \"{tender.Batch.Title}\" to {winner.Name} " +
                          $"(rank {bid["rank"]} of {bids.Count}, {bid["price"]!.GetValue<decimal>():0.00} CNY)");
    }

    private static List<HttpClient> Team(People p, Party vendor) => p.TeamOf(vendor).Select(w => w.Http).ToList();

    private static async Task<string> PackageAsync(Party vendor, Tender tender, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/orders/{tender.OrderId}/work/packages") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return (await Demo.Ok(await vendor.Http.SendAsync(request)))!["id"]!.GetValue<string>();
    }

    /// <summary>A share of the vendor's items offered to another certified vendor at an agreed price, which accepts.</summary>
    private static async Task<string> SubcontractAsync(Party vendor, Tender tender, Party subVendor, int items, decimal price)
    {
        var id = await PackageAsync(vendor, tender, new { kind = "subcontract", items, vendorOrgId = subVendor.OrgId, price });
        await Demo.Ok(await subVendor.Http.PostAsync($"/api/orders/orders/subcontracts/{id}/accept", null));
        return id;
    }

    /// <summary>Once tasks split the package, its workers label it and the vendor that owns it approves every answer.</summary>
    private static async Task WorkAsync(Party vendor, List<HttpClient> workers, string packageId, int items)
    {
        await Demo.WaitForSplit(vendor.Http, packageId, items);
        await Demo.WorkThrough(workers, vendor.Http, packageId, approveAll: true, answerFor: Answer);
    }

    /// <summary>
    /// Settlement splits each accepted contract: the platform's fee, the workers' pay (already out of escrow), each
    /// vendor's receivable. Waits until each vendor's account holds what the contracts and sub-contracts say.
    /// </summary>
    private static async Task ReceivablesAsync(People p, Tender core, Tender important)
    {
        async Task<decimal> Fee(Tender tender, decimal price)
        {
            var order = (await tender.Enterprise.Http.GetFromJsonAsync<JsonObject>($"/api/orders/orders/{tender.OrderId}"))!;
            var fee = decimal.Round(price * order["feePercent"]!.GetValue<decimal>() / 100m, 2, MidpointRounding.AwayFromZero);
            return Math.Min(Math.Max(fee, order["minimumFee"]!.GetValue<decimal>()), price);
        }

        var expected = new Dictionary<Party, decimal>
        {
            [p.Yuntu] = 32.40m - await Fee(core, 32.40m) - 7 * 1.50m - 12.00m + (8.80m - 4 * 1.50m),
            [p.Zhibiao] = 12.00m - 5 * 1.60m,
            [p.Tianfu] = 27.00m - await Fee(important, 27.00m) - 4 * 1.50m - 4 * 1.20m - 8.80m,
        };
        foreach (var (vendor, balance) in expected)
        {
            await Demo.Until(async () => (await VendorAccountAsync(vendor))["balance"]!.GetValue<decimal>() == balance,
                $"{vendor.Name}'s receivable is {balance}", seconds: 120);
            Console.WriteLine($"demo: {vendor.Name} is owed {balance:0.00} CNY (contract and sub-contract income less fee, team and crowd pay, sub-contracts)");
        }
    }

    private static async Task<JsonObject> VendorAccountAsync(Party vendor) =>
        (await vendor.Http.GetFromJsonAsync<JsonObject>("/api/settlement/vendor/account"))!;

    /// <summary>The vendor names its company account and withdraws part of its receivable through the payment rail.</summary>
    private static async Task WithdrawAsync(Party vendor, decimal amount)
    {
        // Naming where money goes needs the password again: a short-lived step-up token for this one change.
        var stepUp = (await Demo.Ok(await vendor.Http.PostAsJsonAsync("/api/auth/reauth", new { password = Demo.Password })))!["accessToken"]!.GetValue<string>();
        var account = new HttpRequestMessage(HttpMethod.Put, "/api/payouts/vendor-account")
        {
            Content = JsonContent.Create(new { bankName = "贵阳银行", accountNumber = "6217 0027 3001 2345 678", holderName = vendor.Name }),
        };
        account.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", stepUp);
        await Demo.Ok(await vendor.Http.SendAsync(account));
        await Demo.Until(async () => (await VendorAccountAsync(vendor))["payoutAccount"] is not null, "settlement knows where the vendor withdraws to");
        var id = (await Demo.Ok(await Demo.PostMoney(vendor.Http, "/api/settlement/vendor/withdrawals", new { amount, currency = "CNY" })))!["id"]!
            .GetValue<string>();
        await Demo.Until(async () =>
        {
            var status = (await vendor.Http.GetFromJsonAsync<JsonObject>($"/api/settlement/vendor/withdrawals/{id}"))!["status"]!.GetValue<string>();
            return status == "failed" ? throw new InvalidOperationException($"the bank declined withdrawal {id}") : status == "sent";
        }, $"withdrawal {id} is sent");
        Console.WriteLine($"demo: {vendor.Name} withdrew {amount:0.00} CNY to its bank account");
    }
}
