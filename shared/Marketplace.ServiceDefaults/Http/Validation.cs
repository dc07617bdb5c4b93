using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.ServiceDefaults.Http;

public static class Validation
{
    /// <summary>Runs the registered validator for the endpoint's <typeparamref name="T"/> body; answers 400 naming the fields.</summary>
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) where T : class =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var argument = context.Arguments.OfType<T>().FirstOrDefault();
            if (argument is null)
            {
                return TypedResults.Problem(
                    title: "Request body required",
                    detail: $"Send a JSON body ({typeof(T).Name}).",
                    statusCode: StatusCodes.Status400BadRequest,
                    extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "request.body_required" });
            }
            var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<T>>();
            var result = await validator.ValidateAsync(argument);
            if (!result.IsValid)
            {
                var byField = result.Errors.GroupBy(e => Camel(e.PropertyName)).ToList();
                return TypedResults.ValidationProblem(
                    byField.ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()),
                    extensions: ProblemCodes.ForFailures(byField));
            }
            return await next(context);
        }).ProducesValidationProblem();

    private static string Camel(string name) =>
        string.Join('.', name.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));
}

public static class Problems
{
    /// <param name="code">the stable code (ProblemCodes); by default <c>conflict.&lt;currentState&gt;</c>, or <c>conflict</c>.</param>
    public static ProblemHttpResult Conflict(string detail, object? currentState = null, string? code = null) =>
        TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = "Conflict with the current state",
            Detail = detail,
            Extensions = currentState is null
                ? new Dictionary<string, object?> { [ProblemCodes.Extension] = code ?? ProblemCodes.ForConflict(null) }
                : new Dictionary<string, object?> { ["currentState"] = currentState, [ProblemCodes.Extension] = code ?? ProblemCodes.ForConflict(currentState) },
        });

    /// <param name="code">the stable code; by default the thing named: "Exam attempt 7" → <c>exam_attempt.not_found</c>.</param>
    public static ProblemHttpResult NotFound(string what, string? code = null) =>
        TypedResults.Problem(title: "Not found", detail: $"{what} was not found.", statusCode: StatusCodes.Status404NotFound,
            extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = code ?? ProblemCodes.ForNotFound(what) });

    /// <param name="code">the stable code of what is wrong with the field (<c>validation.required</c>...); <c>validation.invalid</c> by default.</param>
    public static ProblemHttpResult BadRequest(string field, string detail, string? code = null) =>
        TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Invalid request",
            Detail = detail,
            Extensions =
            {
                ["errors"] = new Dictionary<string, string[]> { [field] = [detail] },
                [ProblemCodes.Extension] = code ?? ProblemCodes.ValidationInvalid,
                [ProblemCodes.FieldCodes] = new Dictionary<string, string[]> { [field] = [code ?? ProblemCodes.ValidationInvalid] },
            },
        });

    /// <param name="more">further members for a client to word the problem by (each named in docs/api.md).</param>
    public static ProblemHttpResult Unprocessable(string detail, string? code = null, Dictionary<string, object?>? more = null)
    {
        var extensions = new Dictionary<string, object?>(more ?? []) { [ProblemCodes.Extension] = code ?? "request.unprocessable" };
        return TypedResults.Problem(title: "Unprocessable request", detail: detail, statusCode: StatusCodes.Status422UnprocessableEntity, extensions: extensions);
    }
}
