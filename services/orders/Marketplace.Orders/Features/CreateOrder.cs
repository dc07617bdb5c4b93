using Dapper;
using FluentValidation;
using OrderTerms = Marketplace.Contracts.Orders.OrderTerms;
using TenderTerms = Marketplace.Contracts.Orders.TenderTerms;
using Marketplace.Labeling;
using Marketplace.Orders.Domain;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Http;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Orders.Features;

/// <summary>An enterprise drafts an order: what to label, with which labels, for how much, by when.</summary>
public static class CreateOrder
{
    public const int MaxInlineItems = 1000;

    /// <summary>
    /// An item; a gold item also carries its known answer (Gold), in the task type's answer shape; Predictions, a model's
    /// pre-label, as a manifest line's "predictions" ({label, modelVersion, score} or the bare answer).
    /// </summary>
    public sealed record Item(string Id, string Content, System.Text.Json.JsonElement? Gold = null, System.Text.Json.JsonElement? Predictions = null);

    public sealed record Criterion(string Name, int Min, int Max);

    /// <summary>
    /// A bid-mode order's call for bids: the bid deadline (default: a third of the way to the order's deadline, at most
    /// 7 days), whether the top-ranked bid wins automatically at it, the vendors invited, and the late-delivery penalty.
    /// </summary>
    public sealed record Tender(DateTimeOffset? BidDeadline = null, bool? AutoAward = null, Guid[]? InvitedVendorOrgIds = null,
        decimal? LatePenaltyPercentPerDay = null, decimal? MaxPenaltyPercent = null);

    public sealed record Request(
        string Title, string? Instructions, string TaskType, string[]? Labels, Item[]? Items,
        decimal UnitPrice, string Currency, DateTimeOffset Deadline, int? Overlap,
        bool? MultiLabel = null, Criterion[]? Criteria = null, string? Mode = null,
        string? DataGrade = null, bool? PersonalInformation = null, string? Industry = null,
        string[]? RequiredQualifications = null, decimal? RequiredAccuracy = null, decimal? GoldShare = null,
        int? SampleSize = null, decimal? PassThreshold = null, decimal? SampleRate = null,
        int? SuiteSize = null, int? LeaseSeconds = null, decimal? ConfidenceBar = null, int? OverlapCap = null, int? AutoApproveSeconds = null,
        Tender? Tender = null, int? MaxItemsPerWorker = null)
    {
        /// <summary>The order's terms as one record: the request's choices with their defaults, and the price split.</summary>
        public OrderTerms Terms(decimal workerReward, decimal platformFee, decimal feePercent, decimal minimumFee, DateTimeOffset now)
        {
            var deadline = Deadline.ToUniversalTime();
            return new OrderTerms
            {
                Mode = Mode ?? "crowd", TaskType = TaskType, Labels = Labels ?? [], MultiLabel = MultiLabel ?? false,
                Criteria = Template().Criteria.Select(c => new Contracts.Orders.RubricCriterion(c.Name, c.Min, c.Max)).ToList(),
                Overlap = Overlap ?? 1, OverlapCap = OverlapCap, ConfidenceBar = ConfidenceBar,
                UnitPrice = UnitPrice, WorkerReward = workerReward, PlatformFee = platformFee, FeePercent = feePercent,
                MinimumFee = minimumFee, Currency = Currency, Deadline = deadline,
                DataGrade = DataGrade ?? "general", PersonalInformation = PersonalInformation ?? false, Industry = Industry ?? "other",
                RequiredQualifications = RequiredQualifications ?? [], GoldShare = GoldShare ?? 0m, RequiredAccuracy = RequiredAccuracy,
                MaxItemsPerWorker = MaxItemsPerWorker, SuiteSize = SuiteSize ?? 1, LeaseSeconds = LeaseSeconds, AutoApproveSeconds = AutoApproveSeconds,
                SampleSize = SampleSize, SampleRate = SampleRate, PassThreshold = PassThreshold ?? 0.95m,
                Tender = Mode != "bid" ? null : new TenderTerms
                {
                    BidDeadline = (Tender?.BidDeadline ?? DefaultBidDeadline(now, deadline)).ToUniversalTime(),
                    AutoAward = Tender?.AutoAward ?? false,
                    InvitedVendorOrgIds = Tender?.InvitedVendorOrgIds ?? [],
                    LatePenaltyPercentPerDay = Tender?.LatePenaltyPercentPerDay ?? 1m,
                    MaxPenaltyPercent = Tender?.MaxPenaltyPercent ?? 20m,
                },
            };
        }

        private static DateTimeOffset DefaultBidDeadline(DateTimeOffset now, DateTimeOffset deadline)
        {
            var third = now + (deadline - now) / 3;
            return third < now.AddDays(7) ? third : now.AddDays(7);
        }

        public TaskTemplate Template() => new(TaskType ?? "", Labels ?? [], MultiLabel ?? false,
            (Criteria ?? []).Select(c => new RubricCriterion(c?.Name ?? "", c?.Min ?? 0, c?.Max ?? 0)).ToList());
    }

    public static readonly string[] Industries =
        ["medical", "autonomous-driving", "industrial-inspection", "geographic", "finance", "education", "culture-media", "other"];

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(r => r.Title).NotEmpty().MaximumLength(200);
            RuleFor(r => r.Instructions).MaximumLength(20_000);
            RuleFor(r => r.TaskType).NotEmpty();
            RuleFor(r => r).Custom((request, context) =>
            {
                foreach (var (field, message) in request.Template().Problems()) context.AddFailure(field, message);
            });
            // Items inline (up to 1,000), or none now and a dataset upload later.
            RuleFor(r => r.Items).Must(i => i!.All(x => x is not null))
                .WithMessage("'Items' holds an empty entry (null): each item is an object with an id and content.").WithErrorCode("validation.required")
                .Must(i => i!.Length <= MaxInlineItems)
                .WithMessage($"'Items' holds at most {MaxInlineItems} items inline; upload a larger dataset as a file.")
                .Must(i => i!.Select(x => x?.Id).Distinct().Count() == i!.Length).WithMessage("'Items' ids must be unique.")
                .When(r => r.Items is not null);
            RuleForEach(r => r.Items).ChildRules(item =>
            {
                item.RuleFor(i => i.Id).NotEmpty().MaximumLength(200);
                item.RuleFor(i => i.Content).NotEmpty();
            });
            RuleFor(r => r).Custom((request, context) =>
            {
                if (request.Items is null || request.TaskType is null || !TaskTypes.All.Contains(request.TaskType)) return;
                var shown = 0;
                for (var i = 0; i < request.Items.Length && shown < 20; i++)
                {
                    if (request.Items[i]?.Content is not { Length: > 0 } content) continue;
                    // The order does not exist yet, so no file can have been uploaded to it: content:// belongs in a manifest.
                    var problem = ContentUri.IsContentReference(content)
                        ? "content:// links name files uploaded to an order, and this order does not exist yet: create it without items, " +
                          "upload the files (PUT /orders/{id}/files/{name}), then upload a manifest that points at them"
                        : ItemRules.Check(request.TaskType, content);
                    if (problem is not null)
                    {
                        context.AddFailure($"items[{i}].content", $"Item '{request.Items[i].Id}': {problem}.");
                        shown++;
                    }
                    else if (request.Items[i].Gold is { ValueKind: not System.Text.Json.JsonValueKind.Null } gold
                             && AnswerRules.Check(request.Template(), content, gold) is { } wrong)
                    {
                        context.AddFailure($"items[{i}].gold", $"Item '{request.Items[i].Id}': {wrong}");
                        shown++;
                    }
                    else if (request.Items[i].Predictions is { ValueKind: not System.Text.Json.JsonValueKind.Null } predictions
                             && Marketplace.Labeling.Prelabels.Prelabel.Read(request.Template(), content, predictions, out _) is { } badPrediction)
                    {
                        context.AddFailure($"items[{i}].predictions", $"Item '{request.Items[i].Id}': {badPrediction}");
                        shown++;
                    }
                }
            });
            RuleFor(r => r.UnitPrice).GreaterThan(0).LessThanOrEqualTo(100_000)
                .Must(p => decimal.Round(p, PlatformFee.LedgerScale) == p).WithMessage("'Unit Price' has at most 4 decimal places.");
            RuleFor(r => r.Currency).NotEmpty().Must(c => c == "CNY").WithMessage("'Currency' must be CNY.");
            RuleFor(r => r.Deadline).Must(d => d > clock.GetUtcNow().AddMinutes(5)).WithMessage("'Deadline' must be in the future.");
            RuleFor(r => r.Overlap).InclusiveBetween(1, 9).When(r => r.Overlap is not null);
            RuleFor(r => r.Mode).Must(m => m is null or "crowd" or "bid").WithMessage("'Mode' must be crowd or bid.");
            RuleFor(r => r.DataGrade).Must(g => g is null or "general" or "important" or "core")
                .WithMessage("'Data Grade' must be general, important or core.");
            RuleFor(r => r.Mode).Must(m => m == "bid").When(r => r.DataGrade == "core")
                .WithMessage("Core-grade data is never crowdsourced: a core-grade order must use mode 'bid'.");
            RuleFor(r => r.Industry).Must(i => i is null || Industries.Contains(i))
                .WithMessage($"'Industry' must be one of {string.Join(", ", Industries)}.");
            RuleFor(r => r.RequiredQualifications).Must(q => q is null || (q.Length <= 20 && q.All(x => !string.IsNullOrWhiteSpace(x) && x.Length <= 100)))
                .WithMessage("'Required Qualifications' lists at most 20 names of 1 to 100 characters.");
            RuleFor(r => r.RequiredAccuracy).InclusiveBetween(0m, 1m).When(r => r.RequiredAccuracy is not null);
            RuleFor(r => r.GoldShare).InclusiveBetween(0m, 0.5m).When(r => r.GoldShare is not null);
            RuleFor(r => r.Items).Must(i => i!.Any(x => x?.Gold is { ValueKind: not System.Text.Json.JsonValueKind.Null }))
                .WithMessage("A gold share needs gold items: give some items a 'gold' answer.")
                .When(r => r.GoldShare > 0 && r.Items is { Length: > 0 });
            RuleFor(r => r.PassThreshold).InclusiveBetween(0m, 1m).When(r => r.PassThreshold is not null);
            RuleFor(r => r.SampleSize).GreaterThan(0).Must((r, n) => r.Items is not { Length: > 0 } || n <= r.Items.Length)
                .WithMessage("'Sample Size' must be between 1 and the number of items.").When(r => r.SampleSize is not null);
            RuleFor(r => r.SuiteSize).InclusiveBetween(1, 50).When(r => r.SuiteSize is not null);
            RuleFor(r => r.MaxItemsPerWorker).InclusiveBetween(1, 1_000_000).When(r => r.MaxItemsPerWorker is not null);
            RuleFor(r => r.ConfidenceBar).InclusiveBetween(0.5m, 1m).When(r => r.ConfidenceBar is not null);
            RuleFor(r => r.OverlapCap).InclusiveBetween(1, 15).Must((r, cap) => cap >= (r.Overlap ?? 1))
                .WithMessage("'Overlap Cap' must be at least the overlap.").When(r => r.OverlapCap is not null);
            RuleFor(r => r.LeaseSeconds).InclusiveBetween(5, 86_400).When(r => r.LeaseSeconds is not null);
            RuleFor(r => r.AutoApproveSeconds).InclusiveBetween(60, 2_592_000).When(r => r.AutoApproveSeconds is not null)
                .WithMessage("'autoApproveSeconds' (the time to review a submission before it is approved) must be between 60 (a minute) and 2592000 (30 days).");
            RuleFor(r => r.SampleRate).GreaterThan(0m).LessThanOrEqualTo(1m).When(r => r.SampleRate is not null);
            RuleFor(r => r.SampleRate).Null().When(r => r.SampleSize is not null)
                .WithMessage("Give 'Sample Size' or 'Sample Rate', not both.");
            RuleFor(r => r.Tender).Null().When(r => r.Mode != "bid")
                .WithMessage("'Tender' (a call for bids) belongs to bid-mode orders only.");
            RuleFor(r => r.Tender!.BidDeadline).Must((r, d) => d > clock.GetUtcNow() && d < r.Deadline)
                .WithMessage("'tender.bidDeadline' must be in the future and before the order's deadline.")
                .When(r => r.Tender?.BidDeadline is not null);
            RuleFor(r => r.Tender!.InvitedVendorOrgIds).Must(v => v!.Length <= 50 && v.Distinct().Count() == v.Length)
                .WithMessage("'tender.invitedVendorOrgIds' lists at most 50 distinct vendors.")
                .When(r => r.Tender?.InvitedVendorOrgIds is not null);
            RuleFor(r => r.Tender!.LatePenaltyPercentPerDay).InclusiveBetween(0m, 10m)
                .When(r => r.Tender?.LatePenaltyPercentPerDay is not null).WithName("tender.latePenaltyPercentPerDay");
            RuleFor(r => r.Tender!.MaxPenaltyPercent).InclusiveBetween(0m, 100m)
                .When(r => r.Tender?.MaxPenaltyPercent is not null).WithName("tender.maxPenaltyPercent");
        }
    }

    public static RouteGroupBuilder MapCreateOrder(this RouteGroupBuilder group)
    {
        group.MapPost("/", Handle).RequireAuthorization(Roles.Enterprise).Validate<Request>();
        return group;
    }

    private static async Task<Created<OrderView>> Handle(Request request, HttpContext http, NpgsqlDataSource db, IOptions<FeeOptions> fees,
        TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        var overlap = request.Overlap ?? 1;
        var items = request.Items ?? [];
        var regular = items.Count(i => i.Gold is not { ValueKind: not System.Text.Json.JsonValueKind.Null });
        var id = Guid.CreateVersion7();

        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        // The order snapshots the commission its task type has now; a later change applies to later orders only.
        var terms = await FeeSchedule.TermsForAsync(connection, request.TaskType, fees.Value, tx);
        var (reward, fee) = PlatformFee.Split(request.UnitPrice, terms.Percent);
        var (goldSlots, budget) = Budget.Of(request.UnitPrice, regular, overlap, request.OverlapCap, request.GoldShare ?? 0m, fee, terms.MinimumPerOrder);
        var reserve = PlatformFee.MinimumFeeReserve(terms.MinimumPerOrder, fee, regular * overlap + goldSlots);
        var orderTerms = request.Terms(reward, fee, terms.Percent, terms.MinimumPerOrder, clock.GetUtcNow());
        const string insertOrder = """
            INSERT INTO orders (id, enterprise_org_id, created_by, title, instructions, terms, item_count, budget, status,
                                gold_item_count, gold_slots, minimum_fee_reserve)
            VALUES (@id, @OrgId, @UserId, @Title, @instructions, @terms::jsonb, @itemCount, @budget, 'draft',
                    @goldItems, @goldSlots, @reserve);
            INSERT INTO order_transitions (order_id, to_status) VALUES (@id, 'draft');
            """;
        await connection.ExecuteAsync(insertOrder, new
        {
            id, caller.OrgId, caller.UserId, request.Title, instructions = request.Instructions ?? "",
            terms = System.Text.Json.JsonSerializer.Serialize(orderTerms, OrderView.Json),
            itemCount = regular, budget, goldItems = items.Length - regular, goldSlots, reserve,
        }, tx);
        await connection.ExecuteAsync(
            """
            INSERT INTO order_items (order_id, item_id, position, content, gold, predictions)
            VALUES (@id, @itemId, @position, @Content, @gold::jsonb, @predictions::jsonb)
            """,
            items.Select((item, position) => new
            {
                id, itemId = item.Id, position, item.Content,
                gold = item.Gold is { ValueKind: not System.Text.Json.JsonValueKind.Null } g ? g.GetRawText() : null,
                predictions = item.Predictions is { ValueKind: not System.Text.Json.JsonValueKind.Null } p
                              && Marketplace.Labeling.Prelabels.Prelabel.Read(request.Template(), item.Content, p, out var prelabel) is null
                    ? prelabel!.ToJson() : null,
            }), tx);
        var order = await OrderView.FindAsync(connection, id, null, tx);
        await tx.CommitAsync();
        return TypedResults.Created($"/orders/{id}", order!);
    }
}
