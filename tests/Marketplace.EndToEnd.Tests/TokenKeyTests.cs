using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// User tokens are ES256, signed by the gateway's private key alone; every service checks them against the public key.
/// A token made with anything else (the bank's callback secret, another key under the gateway's key id, no signature)
/// is refused by every service, called directly or through the gateway. Tokens end at sign-out and at a password change.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class TokenKeyTests
{
    /// <summary>An operator read of each service, as its own path and through the gateway.</summary>
    private static readonly (string Service, string Path)[] OperatorReads =
        [("orders", "/orders?limit=1"), ("bidding", "/calls"), ("tasks", "/exams"), ("payouts", "/payouts"), ("settlement", "/periods")];

    [Test]
    public async Task Only_a_token_signed_with_the_gateways_private_key_opens_any_service()
    {
        var op = await Api.OperatorAsync();
        var genuine = op.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        var claims = Payload(genuine);

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forgeries = new Dictionary<string, string>
        {
            // Whoever holds the bank's callback secret (or any shared secret) cannot mint an operator token with it.
            ["HS256 with the bank's callback secret"] = Sign("HS256", Cluster.TokenKeyId, claims, data => HMACSHA256.HashData(Convert.FromBase64String(Cluster.RailCallbackSecret), data)),
            ["HS256 with the gateway's public key as the secret"] = Sign("HS256", Cluster.TokenKeyId, claims,
                data => HMACSHA256.HashData(Cluster.TokenKey.ExportSubjectPublicKeyInfo(), data)),
            ["ES256 with another key under the gateway's key id"] = Sign("ES256", Cluster.TokenKeyId, claims, data => other.SignData(data, HashAlgorithmName.SHA256)),
            ["unsigned (alg none)"] = Sign("none", Cluster.TokenKeyId, claims, _ => []),
        };

        foreach (var (service, path) in OperatorReads)
        {
            foreach (var target in Cluster.Instances(service).Select(u => new Uri(u, path)).Append(new Uri(Cluster.Gateway, $"/api/{service}{path}")))
            {
                Assert.That(await StatusAsync(target, genuine), Is.EqualTo(HttpStatusCode.OK), $"the gateway's own token at {target}");
                foreach (var (what, token) in forgeries)
                    Assert.That(await StatusAsync(target, token), Is.EqualTo(HttpStatusCode.Unauthorized), $"{what} at {target}");
            }
        }
        // The gateway's own endpoints too.
        foreach (var (what, token) in forgeries)
            Assert.That(await StatusAsync(new Uri(Cluster.Gateway, "/api/auth/users?limit=1"), token), Is.EqualTo(HttpStatusCode.Unauthorized), what);
    }

    [Test]
    public async Task Signing_out_ends_that_token_and_no_other()
    {
        var worker = await Api.SignUpAsync("worker", verified: false);
        var second = await Api.SignInAsync(worker.Email, "e2e-password-1");
        await Api.ReadAsync(await worker.PostAsync("/api/auth/signout"), HttpStatusCode.NoContent);

        var refused = await worker.Http.GetAsync("/api/auth/me");
        var problem = await Api.ReadAsync(refused, HttpStatusCode.Unauthorized);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("auth.token_revoked"));
        Assert.That((await worker.Http.GetAsync("/api/payouts/payouts")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "at the services' routes too");
        Assert.That((await second.Http.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the other sign-in goes on");
        await Api.ReadAsync(await worker.PostAsync("/api/auth/signout"), HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Changing_the_password_needs_the_current_one_and_ends_every_earlier_token()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var other = await Api.SignInAsync(enterprise.Email, "e2e-password-1");

        var wrong = await Api.ReadAsync(await enterprise.PostAsync("/api/auth/password",
            new { currentPassword = "not-my-password", newPassword = "a-new-password-2" }), HttpStatusCode.Forbidden);
        Assert.That(wrong.GetProperty("code").GetString(), Is.EqualTo("auth.wrong_password"));
        var shortOne = await Api.ReadAsync(await enterprise.PostAsync("/api/auth/password",
            new { currentPassword = "e2e-password-1", newPassword = "short" }), HttpStatusCode.BadRequest);
        Assert.That(shortOne.GetProperty("errors").TryGetProperty("newPassword", out _), Is.True);
        Assert.That((await other.Http.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a refused change changes nothing");

        var changed = await Api.ReadAsync(await enterprise.PostAsync("/api/auth/password",
            new { currentPassword = "e2e-password-1", newPassword = "a-new-password-2" }), HttpStatusCode.OK);
        Assert.That(changed.GetProperty("organisationId").GetGuid(), Is.EqualTo(enterprise.OrgId), "the fresh token acts for the same organisation");

        foreach (var old in new[] { enterprise, other })
        {
            var problem = await Api.ReadAsync(await old.Http.GetAsync("/api/settlement/wallet"), HttpStatusCode.Unauthorized);
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("auth.token_revoked"));
        }
        using var fresh = Api.Anonymous();
        fresh.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", changed.GetProperty("accessToken").GetString());
        Assert.That((await fresh.GetAsync("/api/settlement/wallet")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var anonymous = Api.Anonymous();
        Assert.That((await anonymous.PostAsJsonAsync("/api/auth/token", new { email = enterprise.Email, password = "e2e-password-1" })).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized), "the old password");
        await Api.SignInAsync(enterprise.Email, "a-new-password-2");
    }

    private static async Task<HttpStatusCode> StatusAsync(Uri target, string token)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static string Payload(string jwt) => jwt.Split('.')[1];

    private static string Sign(string alg, string kid, string payload, Func<byte[], byte[]> signature)
    {
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg, kid, typ = "JWT" }));
        var signed = $"{header}.{payload}";
        return $"{signed}.{Base64Url(signature(Encoding.ASCII.GetBytes(signed)))}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
