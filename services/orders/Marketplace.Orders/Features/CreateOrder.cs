using Dapper;
using FluentValidation;
using Marketplace.Orders.Domain;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Orders.Features;

/// <summary>An enterprise drafts an order: what to label, with which labels, for how much, by when.</summary>
public static class CreateOrder
{
    public const int MaxInlineItems = 1000;

    public sealed record Item(string Id, string Content);

    public sealed record Request(
        string Title, string? Instructions, string TaskType, string[] Labels, Item[] Items,
        decimal UnitPrice, string Currency, DateTimeOffset Deadline, int? Overlap);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(r => r.Title).NotEmpty().MaximumLength(200);
            RuleFor(r => r.Instructions).MaximumLength(20_000);
            RuleFor(r => r.TaskType).NotEmpty().Must(t => t is "text-classification" or "image-classification")
                .WithMessage("'Task Type' must be text-classification or image-classification.");
            RuleFor(r => r.Labels).NotNull().Must(l => l.Length is >= 2 and <= 50)
                .WithMessage("'Labels' needs between 2 and 50 labels.")
                .Must(l => l.Distinct(StringComparer.Ordinal).Count() == l.Length).WithMessage("'Labels' must be distinct.");
            RuleForEach(r => r.Labels).NotEmpty().MaximumLength(100);
            RuleFor(r => r.Items).NotNull().Must(i => i.Length is >= 1 and <= MaxInlineItems)
                .WithMessage($"'Items' needs between 1 and {MaxInlineItems} items.")
                .Must(i => i.Select(x => x?.Id).Distinct().Count() == i.Length).WithMessage("'Items' ids must be unique.");
            RuleForEach(r => r.Items).ChildRules(item =>
            {
                item.RuleFor(i => i.Id).NotEmpty().MaximumLength(200);
                item.RuleFor(i => i.Content).NotEmpty().MaximumLength(100_000);
            });
            RuleFor(r => r.UnitPrice).GreaterThan(0).LessThanOrEqualTo(100_000)
                .Must(p => decimal.Round(p, PlatformFee.LedgerScale) == p).WithMessage("'Unit Price' has at most 4 decimal places.");
            RuleFor(r => r.Currency).NotEmpty().Must(c => c == "CNY").WithMessage("'Currency' must be CNY.");
            RuleFor(r => r.Deadline).Must(d => d > clock.GetUtcNow().AddMinutes(5)).WithMessage("'Deadline' must be in the future.");
            RuleFor(r => r.Overlap).InclusiveBetween(1, 9).When(r => r.Overlap is not null);
        }
    }

    public static RouteGroupBuilder MapCreateOrder(this RouteGroupBuilder group)
    {
        group.MapPost("/", Handle).RequireAuthorization(Roles.Enterprise).Validate<Request>();
        return group;
    }

    private static async Task<Created<OrderView>> Handle(Request request, HttpContext http, NpgsqlDataSource db, IOptions<FeeOptions> fees)
    {
        var caller = Caller.From(http.User);
        var (reward, fee) = PlatformFee.Split(request.UnitPrice, fees.Value.PlatformFeePercent);
        var overlap = request.Overlap ?? 1;
        var id = Guid.CreateVersion7();

        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        const string insertOrder = """
            INSERT INTO orders (id, enterprise_org_id, created_by, title, instructions, task_type, labels, overlap, unit_price,
                                worker_reward, platform_fee, currency, item_count, budget, deadline, status)
            VALUES (@id, @OrgId, @UserId, @Title, @instructions, @TaskType, @Labels, @overlap, @UnitPrice,
                    @reward, @fee, @Currency, @itemCount, @budget, @Deadline, 'draft');
            INSERT INTO order_transitions (order_id, to_status) VALUES (@id, 'draft');
            """;
        await connection.ExecuteAsync(insertOrder, new
        {
            id, caller.OrgId, caller.UserId, request.Title, instructions = request.Instructions ?? "", request.TaskType,
            request.Labels, overlap, request.UnitPrice, reward, fee, request.Currency,
            itemCount = request.Items.Length, budget = request.UnitPrice * request.Items.Length * overlap,
            Deadline = request.Deadline.ToUniversalTime(),
        }, tx);
        await connection.ExecuteAsync(
            "INSERT INTO order_items (order_id, item_id, position, content) VALUES (@id, @itemId, @position, @Content)",
            request.Items.Select((item, position) => new { id, itemId = item.Id, position, item.Content }), tx);
        var order = await OrderView.FindAsync(connection, id, null, tx);
        await tx.CommitAsync();
        return TypedResults.Created($"/orders/{id}", order!);
    }
}
