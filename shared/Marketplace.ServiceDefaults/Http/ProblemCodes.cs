using FluentValidation.Results;
using Microsoft.AspNetCore.Http;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>
/// A stable, machine-readable <c>code</c> on every ProblemDetails (<c>order.not_found</c>, <c>validation.required</c>,
/// <c>conflict.appeal_pending</c>), so a client shows the error in its user's language without parsing English. A problem
/// that names its code keeps it; every other one gets a code from what the shared helpers know (the validator that
/// failed, the thing not found, the current state) and, last, from its status. The list is in docs/api.md: codes are
/// added, never renamed.
/// </summary>
public static class ProblemCodes
{
    public const string Extension = "code";

    /// <summary>The per-field codes beside <c>errors</c>: <c>errorCodes: { field: [code] }</c>.</summary>
    public const string FieldCodes = "errorCodes";

    /// <summary>What a field's first failure measured against (<c>maxLength</c>, <c>from</c>, <c>comparisonValue</c>...).</summary>
    public const string FieldParams = "errorParams";

    public const string ValidationInvalid = "validation.invalid";

    /// <summary>Called for every ProblemDetails the service writes (AddProblemDetails' CustomizeProblemDetails).</summary>
    public static void Apply(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.TryGetValue(Extension, out var code) && code is string { Length: > 0 }) return;
        var hasErrors = problem is HttpValidationProblemDetails || problem.Extensions.ContainsKey("errors");
        problem.Extensions[Extension] = ForStatus(problem.Status ?? context.HttpContext.Response.StatusCode, hasErrors);
    }

    /// <summary>The code a status alone gives, when nothing more specific is known.</summary>
    public static string ForStatus(int status, bool hasFieldErrors = false) => status switch
    {
        StatusCodes.Status400BadRequest => hasFieldErrors ? ValidationInvalid : "request.invalid",
        StatusCodes.Status401Unauthorized => "auth.unauthenticated",
        StatusCodes.Status403Forbidden => "auth.forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "request.method_not_allowed",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "request.too_large",
        StatusCodes.Status415UnsupportedMediaType => "request.unsupported_media_type",
        StatusCodes.Status422UnprocessableEntity => "request.unprocessable",
        StatusCodes.Status429TooManyRequests => "request.too_many",
        StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout => "server.unavailable",
        >= 500 => "server.error",
        _ => $"http.{status}",
    };

    /// <summary>
    /// A FluentValidation failure's code: the validator's own name mapped to a stable one; a rule may name its own with
    /// <c>WithErrorCode("listing.price_range")</c> (any code with a dot is taken as it is).
    /// </summary>
    public static string ForValidator(string? errorCode) => errorCode switch
    {
        null or "" => ValidationInvalid,
        _ when errorCode.Contains('.') => errorCode,
        "NotEmptyValidator" or "NotNullValidator" => "validation.required",
        "EmptyValidator" or "NullValidator" => "validation.must_be_empty",
        "MaximumLengthValidator" => "validation.too_long",
        "MinimumLengthValidator" => "validation.too_short",
        "LengthValidator" or "ExactLengthValidator" => "validation.length",
        "GreaterThanValidator" or "GreaterThanOrEqualValidator" or "LessThanValidator" or "LessThanOrEqualValidator"
            or "InclusiveBetweenValidator" or "ExclusiveBetweenValidator" => "validation.out_of_range",
        "EmailValidator" => "validation.email",
        "RegularExpressionValidator" => "validation.format",
        "EnumValidator" or "StringEnumValidator" => "validation.not_allowed",
        "PrecisionScaleValidator" => "validation.precision",
        _ => ValidationInvalid,
    };

    /// <summary>
    /// <c>Problems.NotFound("Exam attempt 42")</c> → <c>exam_attempt.not_found</c>: the words before the id (an article or
    /// "Your" dropped, stopping at "of" and after three words), so the code follows the thing named, not the sentence. Ids
    /// are Guids or numbers: a word with a digit or a quote ends the name.
    /// </summary>
    public static string ForNotFound(string what)
    {
        var words = new List<string>();
        foreach (var word in what.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!word.All(char.IsLetter)) break;
            var lower = word.ToLowerInvariant();
            if (words.Count == 0 && lower is "a" or "an" or "the" or "your") continue;
            if (lower is "of" or "in" or "for") break;
            words.Add(lower);
            if (words.Count == 3) break;
        }
        return words.Count == 0 ? "not_found" : string.Join('_', words) + ".not_found";
    }

    /// <summary><c>Problems.Conflict(..., "appeal_pending")</c> → <c>conflict.appeal_pending</c> when the state is a plain name.</summary>
    public static string ForConflict(object? currentState) =>
        currentState is string state && state.Length is > 0 and <= 60 && state.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_')
            ? $"conflict.{state}"
            : "conflict";

    /// <summary>The extensions of a failed validation: one code per failure, by field, and the first failure's measures.</summary>
    public static Dictionary<string, object?> ForFailures(IEnumerable<IGrouping<string, ValidationFailure>> byField)
    {
        var codes = new Dictionary<string, string[]>();
        var measures = new Dictionary<string, Dictionary<string, object?>>();
        foreach (var field in byField)
        {
            codes[field.Key] = field.Select(f => ForValidator(f.ErrorCode)).Distinct().ToArray();
            var first = field.First().FormattedMessagePlaceholderValues;
            if (first is null) continue;
            var shown = first.Where(p => p.Key is not ("PropertyName" or "PropertyValue" or "PropertyPath") && IsPlain(p.Value))
                .ToDictionary(p => Camel(p.Key), p => (object?)p.Value);
            if (shown.Count > 0) measures[field.Key] = shown;
        }
        var extensions = new Dictionary<string, object?>
        {
            [Extension] = codes.Values.SelectMany(c => c).FirstOrDefault() ?? ValidationInvalid,
            [FieldCodes] = codes,
        };
        if (measures.Count > 0) extensions[FieldParams] = measures;
        return extensions;
    }

    private static bool IsPlain(object? value) =>
        value is string or int or long or decimal or double or float or short or DateTime or DateTimeOffset or DateOnly or bool;

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
