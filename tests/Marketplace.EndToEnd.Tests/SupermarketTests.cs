using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.EndToEnd.Tests;

/// <summary>The supply-demand supermarket: vendors list services, enterprises find them, vendors find work they qualify for.</summary>
[TestFixture]
public class SupermarketTests
{
    private static object Listing(string vendorName, string title, string[] taskTypes, string[] industries, string[] languages,
        int capacity, decimal min, decimal max) => new
    {
        vendorName, title, description = "Trained annotators, double review, ISO 27001 data room.", taskTypes, industries, languages,
        capacityPerDay = capacity, priceMin = min, priceMax = max,
    };

    [Test]
    public async Task Enterprises_find_vendor_listings_by_what_they_need_paged_and_sorted_on_the_server()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var guiyang = await Api.SignUpAsync("vendor");
        var hefei = await Api.SignUpAsync("vendor");
        var enterprise = await Api.SignUpAsync("enterprise");
        await Api.ReadAsync(await guiyang.PostAsync("/api/orders/listings", Listing("Guiyang DataLabel", $"Medical imaging boxes {tag}",
            ["bounding-boxes", "image-classification"], ["medical"], ["zh-CN"], 50_000, 0.30m, 0.80m)), HttpStatusCode.Created);
        await Api.ReadAsync(await guiyang.PostAsync("/api/orders/listings", Listing("Guiyang DataLabel", $"Speech transcription {tag}",
            ["transcription"], ["culture-media"], ["zh-CN", "en"], 5_000, 1.50m, 3.00m)), HttpStatusCode.Created);
        await Api.ReadAsync(await hefei.PostAsync("/api/orders/listings", Listing("Hefei Annotation Works", $"Driving scenes {tag}",
            ["bounding-boxes"], ["autonomous-driving"], ["zh-CN"], 200_000, 0.10m, 0.40m)), HttpStatusCode.Created);

        var boxes = await enterprise.GetAsync($"/api/orders/listings?q={tag}&taskType=bounding-boxes&sort=price");
        Assert.That(boxes.GetProperty("total").GetInt64(), Is.EqualTo(2));
        Assert.That(boxes.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("vendorName").GetString()),
            Is.EqualTo(new[] { "Hefei Annotation Works", "Guiyang DataLabel" }), "cheapest first");

        var medical = await enterprise.GetAsync($"/api/orders/listings?q={tag}&industry=medical");
        Assert.That(medical.GetProperty("items").EnumerateArray().Single().GetProperty("title").GetString(), Does.StartWith("Medical imaging"));
        var english = await enterprise.GetAsync($"/api/orders/listings?q={tag}&language=en");
        Assert.That(english.GetProperty("total").GetInt64(), Is.EqualTo(1));
        var bigAndCheap = await enterprise.GetAsync($"/api/orders/listings?q={tag}&minCapacity=10000&maxPrice=0.35");
        Assert.That(bigAndCheap.GetProperty("total").GetInt64(), Is.EqualTo(2));

        var firstPage = await enterprise.GetAsync($"/api/orders/listings?q={tag}&sort=capacity&pageSize=2&page=1");
        var secondPage = await enterprise.GetAsync($"/api/orders/listings?q={tag}&sort=capacity&pageSize=2&page=2");
        Assert.That(firstPage.GetProperty("total").GetInt64(), Is.EqualTo(3));
        Assert.That(firstPage.GetProperty("items").GetArrayLength(), Is.EqualTo(2));
        Assert.That(secondPage.GetProperty("items").EnumerateArray().Single().GetProperty("capacityPerDay").GetInt32(), Is.EqualTo(5_000));
        Assert.That(firstPage.GetProperty("items")[0].GetProperty("deliveredOrders").GetInt64(), Is.Zero, "a record is computed, not typed in");

        await Api.ReadAsync(await enterprise.Http.GetAsync("/api/orders/listings?sort=cheapest"), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await enterprise.Http.GetAsync("/api/orders/listings?pageSize=1000"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Listings_are_changed_only_by_their_vendor_and_validated_by_field()
    {
        var vendor = await Api.SignUpAsync("vendor");
        var rival = await Api.SignUpAsync("vendor");
        var enterprise = await Api.SignUpAsync("enterprise");
        var body = Listing("Xi'an Label Lab", "Sentiment", ["text-classification"], ["finance"], ["zh-CN"], 1000, 0.05m, 0.10m);
        var created = await Api.ReadAsync(await vendor.PostAsync("/api/orders/listings", body), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();

        Assert.That((await Api.Send(rival.Http, HttpMethod.Put, $"/api/orders/listings/{id}", body)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await enterprise.PostAsync("/api/orders/listings", body)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var bad = await Api.ReadAsync(await vendor.PostAsync("/api/orders/listings",
            Listing("X", "Y", ["video-tracking"], ["space"], ["zh-CN"], 0, 2m, 1m)), HttpStatusCode.BadRequest);
        foreach (var field in new[] { "taskTypes", "industries", "capacityPerDay", "priceMax" })
            Assert.That(bad.GetProperty("errors").TryGetProperty(field, out _), Is.True, $"{field} in {bad}");

        var renamed = await Api.ReadAsync(await Api.Send(vendor.Http, HttpMethod.Put, $"/api/orders/listings/{id}",
            Listing("Xi'an Label Lab", "Sentiment and intent", ["text-classification"], ["finance"], ["zh-CN"], 1500, 0.05m, 0.10m)), HttpStatusCode.OK);
        Assert.That(renamed.GetProperty("title").GetString(), Is.EqualTo("Sentiment and intent"));
    }

    [Test]
    public async Task Vendors_see_open_orders_only_at_grades_an_operator_approved_their_certification_for()
    {
        var op = await Api.OperatorAsync();
        var vendor = await Api.SignUpAsync("vendor");
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 50.00m);
        async Task<Guid> BidOrder(string grade)
        {
            var body = JsonNode.Parse(JsonSerializer.Serialize(Scenario.OrderBody(items: 2, unitPrice: 2.00m), new JsonSerializerOptions(JsonSerializerDefaults.Web)))!.AsObject();
            body["mode"] = "bid";
            body["dataGrade"] = grade;
            body["industry"] = "medical";
            var id = (await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.Created)).GetProperty("id").GetGuid();
            await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{id}/publish"), HttpStatusCode.Accepted);
            await Scenario.WaitForStatusAsync(enterprise, id, "tendering");
            return id;
        }
        // The vendor sells labeling of this kind (bidding shows a call only to vendors whose listing covers it).
        await Api.ReadAsync(await vendor.PostAsync("/api/orders/listings", new
        {
            vendorName = "Grade test vendor", title = "Medical sentiment", taskTypes = new[] { "text-classification" },
            industries = new[] { "medical" }, capacityPerDay = 100, priceMin = 0.1m, priceMax = 5m,
        }), HttpStatusCode.Created);
        var general = await BidOrder("general");
        var important = await BidOrder("important");
        var core = await BidOrder("core");

        async Task<Guid[]> Visible()
        {
            var page = await vendor.GetAsync("/api/bidding/calls?industry=medical&pageSize=100&sort=newest");
            return page.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("orderId").GetGuid()).ToArray();
        }
        // The calls open and the vendor's listing reaches bidding through messages: wait for what it should see.
        await Api.EventuallyAsync(async () => (await Visible()).Contains(general), "the general-grade call is open to the vendor");
        Assert.That(await Visible(), Does.Not.Contain(important).And.Not.Contain(core), "no certification: general data only");

        var cert = await Api.ReadAsync(await vendor.PostAsync("/api/orders/certifications",
            new { name = "Data security level 2", issuer = "Guizhou data labeling base", grade = "important", validUntil = "2028-12-31" }), HttpStatusCode.Created);
        Assert.That(cert.GetProperty("status").GetString(), Is.EqualTo("pending"));
        Assert.That(await Visible(), Does.Not.Contain(important), "a pending certification does not count");

        var certId = cert.GetProperty("id").GetGuid();
        await Api.ReadAsync(await op.PostAsync($"/api/orders/certifications/{certId}/review", new { decision = "reject" }), HttpStatusCode.BadRequest);
        Assert.That((await vendor.PostAsync($"/api/orders/certifications/{certId}/review", new { decision = "approve" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var queue = await op.GetAsync("/api/orders/certifications?status=pending");
        Assert.That(queue.EnumerateArray().Select(c => c.GetProperty("id").GetGuid()), Does.Contain(certId));
        await Api.ReadAsync(await op.PostAsync($"/api/orders/certifications/{certId}/review", new { decision = "approve", note = "Checked the certificate." }), HttpStatusCode.OK);
        await Api.ReadAsync(await op.PostAsync($"/api/orders/certifications/{certId}/review", new { decision = "approve" }), HttpStatusCode.Conflict);

        await Api.EventuallyAsync(async () => (await Visible()).Contains(important), "approved for important: its calls open to the vendor");
        Assert.That(await Visible(), Does.Contain(general).And.Not.Contain(core), "approved for important: not core");
        await Api.ReadAsync(await vendor.PostAsync("/api/orders/certifications",
            new { name = "Old", issuer = "Somewhere", grade = "core", validUntil = "2001-01-01" }), HttpStatusCode.BadRequest);
    }
}
