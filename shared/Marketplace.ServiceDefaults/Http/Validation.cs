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
                    statusCode: StatusCodes.Status400BadRequest);
            }
            var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<T>>();
            var result = await validator.ValidateAsync(argument);
            if (!result.IsValid)
            {
                return TypedResults.ValidationProblem(
                    result.Errors.GroupBy(e => Camel(e.PropertyName))
                        .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()));
            }
            return await next(context);
        }).ProducesValidationProblem();

    private static string Camel(string name) =>
        string.Join('.', name.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));
}

public static class Problems
{
    public static ProblemHttpResult Conflict(string detail, object? currentState = null) =>
        TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = "Conflict with the current state",
            Detail = detail,
            Extensions = currentState is null ? new Dictionary<string, object?>() : new Dictionary<string, object?> { ["currentState"] = currentState },
        });

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(title: "Not found", detail: $"{what} was not found.", statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult BadRequest(string field, string detail) =>
        TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Invalid request",
            Detail = detail,
            Extensions = { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } },
        });

    public static ProblemHttpResult Unprocessable(string detail) =>
        TypedResults.Problem(title: "Unprocessable request", detail: detail, statusCode: StatusCodes.Status422UnprocessableEntity);
}
