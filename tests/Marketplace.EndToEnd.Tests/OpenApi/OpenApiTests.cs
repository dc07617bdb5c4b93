using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static Marketplace.EndToEnd.Tests.OpenApi.OpenApiDocuments;

namespace Marketplace.EndToEnd.Tests.OpenApi;

/// <summary>
/// Each live document, read through the gateway, is held to what the service really does: the operations left open are
/// exactly the anonymous endpoints, a caller without a token gets 401 and a caller of an undocumented role 403, every
/// operation documents a success and its errors, and a body's schema lists the fields the endpoint's validation names.
/// </summary>
[TestFixture]
public class OpenApiTests
{
    /// <summary>The endpoints that take no token: sign-up and sign-in, signed content and export links, the bank's signed callback, a model backend's signed predictions.</summary>
    private static readonly Dictionary<string, string[]> Anonymous = new()
    {
        ["gateway"] = ["POST /api/auth/register", "POST /api/auth/token"],
        ["orders"] = ["GET /content/{orderId}/{name}", "HEAD /content/{orderId}/{name}"],
        ["bidding"] = [],
        ["tasks"] = ["GET /exports/{orderId}/{name}", "HEAD /exports/{orderId}/{name}", "POST /model-backends/{orderId}/predictions"],
        ["payouts"] = ["POST /rail/callbacks"],
        ["settlement"] = ["POST /rail/pay-ins/callbacks"],
    };

    /// <summary>Bodies that are one type on purpose: an answer to a task, an exam's training item or test item; a listing created or replaced.</summary>
    private static readonly Dictionary<string, string[]> SharedBodies = new()
    {
        ["SubmitAnswerRequest"] = ["POST /assignments/{id}/submit", "POST /exam-attempts/{id}/training/{itemId}", "POST /exam-attempts/{id}/test/{itemId}"],
        ["ListingsRequest"] = ["POST /listings", "PUT /listings/{id}"],
        ["BidsBidRequest"] = ["POST /calls/{id}/bids", "PUT /bids/{id}"],
        ["TenderDeadline"] = ["POST /orders/{id}/tender/extend", "POST /orders/{id}/tender/retender"],
        // One withdrawal, from a vendor's payable or an enterprise's wallet (the same path).
        ["VendorMoneyWithdrawalRequest"] = ["POST /vendor/withdrawals", "POST /wallet/withdrawals"],
    };

    private readonly Dictionary<string, Actor> actors = [];

    [OneTimeSetUp]
    public async Task SignUpOneOfEachRoleAsync()
    {
        foreach (var role in new[] { "enterprise", "vendor", "worker" }) actors[role] = await Api.SignUpAsync(role, verified: false);
        actors["operator"] = await Api.OperatorAsync();
    }

    [TestCaseSource(typeof(OpenApiDocuments), nameof(Services))]
    public async Task The_document_names_the_gateway_prefix_as_its_server_and_declares_the_bearer_scheme(string service)
    {
        using var document = JsonDocument.Parse(await ReadAsync(service));
        var root = document.RootElement;
        Assert.That(root.GetProperty("servers")[0].GetProperty("url").GetString(), Is.EqualTo(service == "gateway" ? "/" : Prefix(service)));
        var bearer = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.That(bearer.GetProperty("type").GetString(), Is.EqualTo("http"));
        Assert.That(bearer.GetProperty("scheme").GetString(), Is.EqualTo("bearer"));
        Assert.That(bearer.GetProperty("bearerFormat").GetString(), Is.EqualTo("JWT"));
    }

    [TestCaseSource(typeof(OpenApiDocuments), nameof(Services))]
    public async Task Only_the_anonymous_endpoints_are_unsecured_and_the_documented_roles_are_the_ones_enforced(string service)
    {
        using var document = JsonDocument.Parse(await ReadAsync(service));
        var operations = Operations(document.RootElement);
        Assert.That(operations.Where(o => o.Roles is null).Select(o => o.ToString()), Is.EquivalentTo(Anonymous[service]));

        using var anonymous = Api.Anonymous();
        var wrong = new List<string>();
        foreach (var operation in operations.Where(o => o.Roles is not null))
        {
            var roles = operation.Roles!;
            Assert.That(roles, Is.SubsetOf(actors.Keys), $"{operation}: unknown roles");
            var statuses = operation.Responses.Select(r => r.Status).ToList();
            if (!statuses.Contains("401")) wrong.Add($"{operation}: 401 not documented");
            if (roles.Length > 0 && !statuses.Contains("403")) wrong.Add($"{operation}: 403 not documented");

            var path = Prefix(service) + Fill(operation);
            var noToken = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(operation.Method), path));
            if (noToken.StatusCode != HttpStatusCode.Unauthorized) wrong.Add($"{operation}: no token answered {(int)noToken.StatusCode}");
            // Any signed-in caller (no roles listed), or every role (the current agreement): no one to refuse.
            if (roles.Length == 0 || actors.Keys.FirstOrDefault(r => !roles.Contains(r)) is not { } outsider) continue;
            var refused = await actors[outsider].Http.SendAsync(new HttpRequestMessage(new HttpMethod(operation.Method), path));
            if (refused.StatusCode != HttpStatusCode.Forbidden)
                wrong.Add($"{operation}: documented for {string.Join("/", roles)}, a {outsider} got {(int)refused.StatusCode}");
        }
        Assert.That(wrong, Is.Empty);
    }

    [TestCaseSource(typeof(OpenApiDocuments), nameof(Services))]
    public async Task Every_operation_documents_its_success_with_a_body_and_the_errors_it_can_answer(string service)
    {
        using var document = JsonDocument.Parse(await ReadAsync(service));
        var wrong = new List<string>();
        foreach (var operation in Operations(document.RootElement))
        {
            var responses = operation.Responses.ToDictionary(r => r.Status, r => r.Response);
            var successes = responses.Keys.Where(s => s.StartsWith('2')).ToList();
            if (successes.Count == 0) wrong.Add($"{operation}: no 2xx answer");
            foreach (var status in successes.Where(s => s is "200" or "201" or "206"))
            {
                if (!responses[status].TryGetProperty("content", out var content) || !content.EnumerateObject().Any())
                    wrong.Add($"{operation}: {status} without a body");
            }
            if ((operation.Parameters.Any() || operation.Element.TryGetProperty("requestBody", out _)) && !responses.ContainsKey("400"))
                wrong.Add($"{operation}: takes input but documents no 400");
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                var types = response.TryGetProperty("content", out var content) ? content.EnumerateObject().Select(c => c.Name).ToList() : [];
                if (!types.Contains("application/problem+json")) wrong.Add($"{operation}: {status} is not a ProblemDetails");
            }
        }
        Assert.That(wrong, Is.Empty);
    }

    [TestCaseSource(typeof(OpenApiDocuments), nameof(Services))]
    public async Task No_two_operations_share_a_body_schema_unless_their_bodies_are_one_type(string service)
    {
        using var document = JsonDocument.Parse(await ReadAsync(service));
        var bodies = Operations(document.RootElement)
            .Where(o => o.JsonBody is { } schema && schema.TryGetProperty("$ref", out _))
            .GroupBy(o => o.JsonBody!.Value.GetProperty("$ref").GetString()!.Split('/')[^1]);
        foreach (var body in bodies.Where(b => b.Count() > 1))
        {
            Assert.That(SharedBodies.TryGetValue(body.Key, out var expected) ? expected : [], Is.EquivalentTo(body.Select(o => o.ToString())),
                $"{body.Key} is the body of several operations");
        }
        // A bare feature-local name means two features' bodies would be told apart by nothing but luck.
        Assert.That(bodies.Select(b => b.Key), Has.None.AnyOf("Request", "Review", "Decision", "Sign", "Publish", "Callback"));
    }

    /// <summary>
    /// An empty body makes the live endpoint's validation name the fields it needs; each must be in the documented body
    /// (or be a documented parameter). A document showing another endpoint's body fails here (PUT /fees/{taskType} asks for
    /// percent and minimumPerOrder, which no order form has).
    /// </summary>
    [TestCaseSource(typeof(OpenApiDocuments), nameof(Services))]
    public async Task The_live_endpoint_asks_only_for_fields_of_the_documented_body(string service)
    {
        using var document = JsonDocument.Parse(await ReadAsync(service));
        var root = document.RootElement;
        var wrong = new List<string>();
        foreach (var operation in Operations(root).Where(o => o.JsonBody is not null))
        {
            var schema = Resolve(root, operation.JsonBody!.Value);
            var known = (schema.TryGetProperty("properties", out var properties) ? properties.EnumerateObject().Select(p => p.Name) : [])
                .Concat(operation.Parameters.Select(p => p.GetProperty("name").GetString()!))
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            var http = operation.Roles is null ? Api.Anonymous() : actors[operation.Roles.FirstOrDefault() ?? "worker"].Http;
            var request = new HttpRequestMessage(new HttpMethod(operation.Method), Prefix(service) + Fill(operation))
            {
                Content = new StringContent("{}", Encoding.UTF8, "application/json"),
            };
            if (operation.Parameters.Any(p => p.GetProperty("name").GetString() == "Idempotency-Key"))
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode is < 400 or >= 500)
            {
                wrong.Add($"{operation}: an empty body answered {(int)response.StatusCode} {text}");
                continue;
            }
            if (response.StatusCode != HttpStatusCode.BadRequest || response.Content.Headers.ContentType?.MediaType != "application/problem+json") continue;
            using var problem = JsonDocument.Parse(text);
            if (!problem.RootElement.TryGetProperty("errors", out var errors)) continue;
            foreach (var field in errors.EnumerateObject().Select(e => e.Name.Split('.', '[')[0]).Where(f => !known.Contains(f)))
                wrong.Add($"{operation}: the endpoint asks for '{field}', which its documented body does not have");
        }
        Assert.That(wrong, Is.Empty);
    }
}
