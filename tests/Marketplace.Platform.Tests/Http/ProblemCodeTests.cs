using FluentValidation;
using Marketplace.ServiceDefaults.Http;

namespace Marketplace.Platform.Tests.Http;

public class ProblemCodeTests
{
    private sealed record Body(string? Email, string? Title, int Count);

    [Test]
    public void Each_failed_rule_gets_a_stable_code_by_field_with_what_it_measured()
    {
        var validator = new InlineValidator<Body>();
        validator.RuleFor(b => b.Email).NotEmpty();
        validator.RuleFor(b => b.Title).MaximumLength(5);
        validator.RuleFor(b => b.Count).InclusiveBetween(1, 10);
        validator.RuleFor(b => b.Count).Must(c => c % 2 == 0).WithErrorCode("body.count_odd");
        var failures = validator.Validate(new Body(null, "far too long", 11)).Errors;

        var extensions = ProblemCodes.ForFailures(failures.GroupBy(f => f.PropertyName));
        var codes = (Dictionary<string, string[]>)extensions[ProblemCodes.FieldCodes]!;
        Assert.That(extensions[ProblemCodes.Extension], Is.EqualTo("validation.required"), "the first failure's code");
        Assert.That(codes["Email"], Is.EqualTo(new[] { "validation.required" }));
        Assert.That(codes["Title"], Is.EqualTo(new[] { "validation.too_long" }));
        Assert.That(codes["Count"], Is.EqualTo(new[] { "validation.out_of_range", "body.count_odd" }));
        var measures = (Dictionary<string, Dictionary<string, object?>>)extensions[ProblemCodes.FieldParams]!;
        Assert.That(measures["Title"]["maxLength"], Is.EqualTo(5));
        Assert.That(measures["Count"]["from"], Is.EqualTo(1));
        Assert.That(measures["Count"]["to"], Is.EqualTo(10));
        Assert.That(measures["Title"].ContainsKey("propertyValue"), Is.False, "what the user typed is not echoed");
    }

    [TestCase("Order 6f1c", "order.not_found")]
    [TestCase("Exam attempt 42", "exam_attempt.not_found")]
    [TestCase("Training item 'a-1'", "training_item.not_found")]
    [TestCase("Your payout method", "payout_method.not_found")]
    [TestCase("An identity submission of worker 7", "identity_submission.not_found")]
    [TestCase("Message 0190d2c4 in orders-x_error", "message.not_found")]
    [TestCase("42", "not_found")]
    public void A_thing_not_found_is_named_in_its_code(string what, string code) =>
        Assert.That(ProblemCodes.ForNotFound(what), Is.EqualTo(code));

    [TestCase("appeal_pending", "conflict.appeal_pending")]
    [TestCase("submitted", "conflict.submitted")]
    [TestCase("Not a state!", "conflict")]
    [TestCase(null, "conflict")]
    public void A_conflict_is_named_by_the_current_state(string? state, string code) =>
        Assert.That(ProblemCodes.ForConflict(state), Is.EqualTo(code));

    [TestCase(400, false, "request.invalid")]
    [TestCase(400, true, "validation.invalid")]
    [TestCase(401, false, "auth.unauthenticated")]
    [TestCase(403, false, "auth.forbidden")]
    [TestCase(404, false, "not_found")]
    [TestCase(409, false, "conflict")]
    [TestCase(500, false, "server.error")]
    [TestCase(503, false, "server.unavailable")]
    [TestCase(418, false, "http.418")]
    public void Any_other_problem_is_named_by_its_status(int status, bool fieldErrors, string code) =>
        Assert.That(ProblemCodes.ForStatus(status, fieldErrors), Is.EqualTo(code));
}
