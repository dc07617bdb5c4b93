using System.Net;
using System.Net.Http.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>Guessing passwords is slowed: five failures for an address lock it for the window, right password or not.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class SignInLockoutTests
{
    [Test]
    public async Task Five_wrong_passwords_lock_the_address_and_say_when_to_try_again()
    {
        var worker = await Api.SignUpAsync("worker", verified: false);
        using var anonymous = Api.Anonymous();
        for (var i = 0; i < 5; i++)
            Assert.That((await SignInAsync(anonymous, worker.Email, $"wrong-{i}")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        var locked = await SignInAsync(anonymous, worker.Email, "e2e-password-1");
        var problem = await Api.ReadAsync(locked, HttpStatusCode.TooManyRequests);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("auth.locked"));
        Assert.That(int.Parse(locked.Headers.GetValues("Retry-After").Single()), Is.InRange(1, 15 * 60));
        Assert.That((await SignInAsync(anonymous, worker.Email.ToUpperInvariant(), "e2e-password-1")).StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests),
            "the same address however it is typed");

        // Another address is not affected; a signed-in session goes on.
        await Api.SignInAsync((await Api.SignUpAsync("worker", verified: false)).Email, "e2e-password-1");
        Assert.That((await worker.Http.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task An_unknown_address_locks_alike_and_a_success_clears_the_count()
    {
        using var anonymous = Api.Anonymous();
        var unknown = $"nobody-{Guid.NewGuid():N}@e2e.test";
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++) answers.Add((await SignInAsync(anonymous, unknown, "guess-password")).StatusCode);
        Assert.That(answers, Is.EqualTo(Enumerable.Repeat(HttpStatusCode.Unauthorized, 5).Append(HttpStatusCode.TooManyRequests)),
            "the lock does not tell whether an account exists");

        var worker = await Api.SignUpAsync("worker", verified: false);
        for (var i = 0; i < 4; i++) await SignInAsync(anonymous, worker.Email, "wrong-password");
        await Api.SignInAsync(worker.Email, "e2e-password-1");
        for (var i = 0; i < 4; i++)
            Assert.That((await SignInAsync(anonymous, worker.Email, "wrong-password")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized),
                "the success cleared the four before");
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient http, string email, string password) =>
        http.PostAsJsonAsync("/api/auth/token", new { email, password });
}
