using System.Net;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// A NUL character in any text parameter once answered 500 in every service and left the pooled PostgreSQL connection
/// broken for the next user. Now it is refused at the edge with a 400 naming the field, and nothing breaks.
/// </summary>
[TestFixture]
public class InputHygieneTests
{
    private static async Task ControlCharacterAsync(HttpResponseMessage response, string field)
    {
        var problem = await Api.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("input.control_character"), problem.ToString());
        Assert.That(problem.GetProperty("errors").EnumerateObject().Select(p => p.Name), Does.Contain(field), problem.ToString());
    }

    [Test]
    public async Task A_NUL_in_a_query_parameter_is_a_400_and_the_next_requests_still_work()
    {
        var worker = await Api.SignUpAsync("worker");
        for (var i = 0; i < 12; i++)
        {
            await ControlCharacterAsync(await worker.Http.GetAsync("/api/tasks/exams?qualification=%00"), "qualification");
            await Api.ReadAsync(await worker.Http.GetAsync("/api/tasks/exams"), HttpStatusCode.OK);
        }
        await ControlCharacterAsync(await worker.Http.GetAsync("/api/orders/orders?status=in%01progress"), "status");
    }

    [Test]
    public async Task A_NUL_in_a_JSON_field_is_a_400_naming_the_field_and_nothing_is_stored()
    {
        var email = $"nul-{Guid.NewGuid():N}@example.com";
        using var anonymous = Api.Anonymous();
        var body = new StringContent($$"""{"email":"x\u0000{{email}}","password":"e2e-password-1","role":"worker","displayName":"空字符","organisationName":"空字符"}""",
            System.Text.Encoding.UTF8, "application/json");
        await ControlCharacterAsync(await anonymous.PostAsync("/api/auth/register", body), "email");

        var enterprise = await Api.SignUpAsync("enterprise");
        var order = Scenario.OrderBody(items: 1);
        var json = System.Text.Json.JsonSerializer.Serialize(order, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        var poisoned = json.Replace("\"title\":\"", "\"title\":\"\\u0000");
        await ControlCharacterAsync(await enterprise.PostAsync("/api/orders/orders", poisoned), "title");
        Assert.That((await enterprise.GetAsync("/api/orders/orders")).GetArrayLength(), Is.Zero, "nothing was created");

        // The text "\u0000" itself (an escaped backslash) is ordinary text.
        var literal = json.Replace("\"title\":\"", "\"title\":\"C:\\\\u0000 ");
        var created = await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", literal), HttpStatusCode.Created);
        Assert.That(created.GetProperty("title").GetString(), Does.StartWith("C:\\u0000 "));
    }

    [Test]
    public async Task A_page_past_the_bound_is_a_400_naming_it_in_every_service_that_pages()
    {
        var vendor = await Api.SignUpAsync("vendor");
        foreach (var path in new[] { "/api/tasks/talent", "/api/bidding/contracts", "/api/bidding/calls", "/api/settlement/vendor/withdrawals",
                     "/api/orders/orders/subcontracts/offers" })
        {
            var response = await vendor.Http.GetAsync($"{path}?page=2147483647");
            var problem = await Api.ReadAsync(response, HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("validation.out_of_range"), $"{path}: {problem}");
            Assert.That(problem.GetProperty("errors").EnumerateObject().Select(p => p.Name), Does.Contain("page"), path);
            await Api.ReadAsync(await vendor.Http.GetAsync($"{path}?page=10000"), HttpStatusCode.OK);
        }
    }
}
