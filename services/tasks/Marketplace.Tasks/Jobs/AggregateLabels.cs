using System.Buffers;
using System.Text.Json;
using Dapper;
using Marketplace.Contracts.Tasks;
using Marketplace.Labeling;
using Marketplace.Labeling.Aggregation;
using Marketplace.Modeling;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Tasks.Domain;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Tasks.Jobs;

/// <summary>
/// Runs when every slot of an order is approved (scheduled by publish-approvals, once per slot count): combines each
/// regular item's answers into one label with a confidence (gold items are not delivered, but their known answers anchor
/// Dawid-Skene), stores them in item_labels, then either gives every item below the order's confidence bar more slots
/// (dynamic overlap up to the overlap cap, routed by the model's confidence where the item has a scored suggestion:
/// <see cref="ConfidenceRouting"/>) or, when none needs more, marks the work complete and announces
/// OrderWorkCompleted. New slots start from the item's current suggestion (current_prelabel) and are follow-ups, claimed
/// before any item's first slot (migration 0032).
/// For an order a model assists under dynamic overlap (<see cref="RollsWhere"/>), it also runs while slots are open (a rolling
/// pass, at most every Tasks:RollingRoutingInterval): items whose every slot is answered are routed at once, the others are
/// labelled from the answers so far and left as they are, and the order is not completed. So items are finished while
/// others wait, the model learns from their accepted labels and predicts the rest better before anyone answers them
/// (bench/labeling.sh: MNIST with the built-in model, 15% of the answers saved routing once per round, 37% routing as
/// answers arrive). All under the order's row lock, re-checked, so a second run or a second instance changes nothing.
/// </summary>
public sealed class AggregateLabels(NpgsqlDataSource db, Outbox outbox, TimeProvider clock, IOptions<TasksOptions> options,
    ILogger<AggregateLabels> logger) : IJob<AggregateLabels.Payload>
{
    public const string Name = "aggregate-labels";

    public sealed record Payload(Guid OrderId, int TotalAssignments);

    /// <summary>Keyed by the slot count, so the next round (after dynamic overlap or rework added slots) is a new job; a
    /// rolling pass also by the approved count, so each pass after new approvals is a new job.</summary>
    public static Task<long?> EnqueueAsync(NpgsqlTransaction tx, Guid orderId, int totalAssignments, int? approvedAssignments = null) =>
        JobIntents.EnqueueAsync<AggregateLabels, Payload>(tx, new Payload(orderId, totalAssignments),
            uniqueKey: approvedAssignments is { } approved ? $"{Name}:{orderId:N}:{totalAssignments}:{approved}" : $"{Name}:{orderId:N}:{totalAssignments}");

    /// <param name="FollowUp">A slot routing added after the item's first slots were answered.</param>
    private sealed record Answer(Guid AssignmentId, Guid WorkerId, string Json, int? ReworkRound, bool FollowUp);

    /// <param name="Suggestion">The model's current suggestion for the item, {label, modelVersion, score}: its newest
    /// prediction, else the manifest's pre-label on its slots; null when there is none.</param>
    private sealed record ItemAnswers(string ItemId, string Content, List<Answer> Answers, string? GoldJson, string? Suggestion = null)
    {
        public string? Suggestion { get; set; } = Suggestion;
    }

    /// <param name="Vouched">A lone answer that gold vouches for may settle the item (see DynamicOverlap).</param>
    /// <param name="Posterior">Single-label: each label's probability from the answers, in label-set order.</param>
    private sealed record Decision(string? Label, double? Confidence, string Method, IReadOnlyDictionary<Guid, double>? Skill = null, bool Vouched = false,
        IReadOnlyList<double>? Posterior = null);

    public async Task RunAsync(Payload payload, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var order = await OrderTerms.FindAsync(connection, payload.OrderId, tx, forUpdate: true);
        if (order is null || order.CompletedAt is not null || order.CancelledAt is not null || order.TotalAssignments != payload.TotalAssignments)
            return; // stale: another run finished this round, or slots were added since
        // Items with a slot not yet approved and announced (a rejected slot's replacement counts instead of it).
        var unfinished = (await connection.QueryAsync<string>("""
            SELECT DISTINCT item_id FROM assignments
            WHERE order_id = @OrderId AND NOT (status = 'rejected' AND replaced_by IS NOT NULL) AND (status <> 'approved' OR approval_batch_id IS NULL)
            """, payload, tx)).ToHashSet(StringComparer.Ordinal);
        if (unfinished.Count > 0 && !await RollsAsync(connection, order, tx)) return;

        var template = order.Template();
        var round = order.AggregationRounds + 1;
        // The items the model closed in the last round stay closed while it still agrees with their answer (ConfidenceRouting).
        var closedBefore = (await connection.QueryAsync<string>(
            "SELECT item_id FROM item_labels WHERE order_id = @OrderId AND closed_by_model", payload, tx)).ToHashSet(StringComparer.Ordinal);
        await connection.ExecuteAsync("DELETE FROM item_labels WHERE order_id = @OrderId", payload, tx);

        // The answers are read on a second connection while the labels stream into COPY on this one. Nothing can change them
        // meanwhile: every slot is approved and new slots wait for the order row this transaction holds.
        await using var source = await db.OpenConnectionAsync(ct);
        var needMore = new List<(string ItemId, string Content, int Count)>();
        var goldSkill = await GoldSkillAsync(connection, order.OrderId, tx);
        // The built-in model's audit (its held-out share, fixed when it was chosen); a tenth for a version it left behind.
        var heldOutShare = (double)(await connection.ExecuteScalarAsync<decimal?>(
            "SELECT held_out_share FROM builtin_models WHERE order_id = @OrderId", new { order.OrderId }, tx) ?? (decimal)HeldOut.MaximumShare);
        long items = 0;
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY item_labels (order_id, item_id, content, label, confidence, method, answer_count, provenance, round, closed_by_model) FROM STDIN (FORMAT BINARY)", ct))
        {
            importer.Timeout = TimeSpan.FromMinutes(30);
            async Task WriteAsync(ItemAnswers item, Decision decision)
            {
                var chosen = Rework(item) ?? decision;
                var (label, confidence, method) = (chosen.Label, chosen.Confidence, chosen.Method);
                RoutingDecision? routed = null;
                // An item with a slot still open keeps its slots until they are answered; it is routed in a later pass.
                if (order.ConfidenceBar is { } bar && order.OverlapCap is { } cap && method != AggregationMethods.Rework
                    && method != AggregationMethods.AllAnswers && !unfinished.Contains(item.ItemId))
                {
                    var before = confidence is { } b ? (double)Math.Round((decimal)b, 5) : (double?)null;
                    var opinion = Opinion(template, item, label, chosen.Posterior, heldOutShare);
                    routed = ConfidenceRouting.Route(item.Answers.Count, before, chosen.Vouched, (double)bar, cap,
                        opinion?.Opinion, Skill(item, decision.Skill, goldSkill), LabelCount(template), closedBefore.Contains(item.ItemId));
                    confidence = routed.Confidence;
                    if (routed.TakesModelLabel && opinion is not null) (label, method) = (opinion.Label, AggregationMethods.ModelWitness);
                }
                var stored = confidence is { } c ? Math.Round((decimal)c, 5) : (decimal?)null;
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(order.OrderId, NpgsqlDbType.Uuid, ct);
                await importer.WriteAsync(item.ItemId, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(item.Content, NpgsqlDbType.Text, ct);
                if (label is null) await importer.WriteNullAsync(ct); else await importer.WriteAsync(label, NpgsqlDbType.Jsonb, ct);
                if (stored is null) await importer.WriteNullAsync(ct); else await importer.WriteAsync(stored.Value, NpgsqlDbType.Numeric, ct);
                await importer.WriteAsync(method, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(item.Answers.Count, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(Provenance(item, decision.Skill), NpgsqlDbType.Jsonb, ct);
                await importer.WriteAsync(round, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(routed?.ClosedByModel == true, NpgsqlDbType.Boolean, ct);
                items++;
                if (routed is { MoreAnswers: > 0 } more) needMore.Add((item.ItemId, item.Content, more.MoreAnswers));
            }

            if (TaskTypes.IsClassification(template.TaskType))
            {
                var all = await ReadAsync(source, order.OrderId, includeGold: true, ct).ToListAsync(ct);
                var regular = all.Where(i => i.GoldJson is null).ToList();
                var decisions = Classify(template, all, order.ConfidenceBar is not null && order.OverlapCap is not null ? heldOutShare : null);
                foreach (var item in regular) await WriteAsync(item, decisions[item.ItemId]);
            }
            else
            {
                await foreach (var item in ReadAsync(source, order.OrderId, includeGold: false, ct))
                {
                    using var parsed = new DisposableAnswers(item.Answers.Select(a => JsonDocument.Parse(a.Json)).ToList());
                    var result = ItemConsensus.Aggregate(template, item.Content, parsed.Elements);
                    // One answer is its own consensus: no confidence can be claimed for it.
                    await WriteAsync(item, new Decision(result.Label, item.Answers.Count > 1 ? result.Confidence : null, result.Method));
                }
            }
            await importer.CompleteAsync(ct);
        }

        var added = needMore.Sum(i => i.Count);
        if (added > 0)
        {
            // Each new slot starts from the item's current suggestion, as the first did (and so sits where it should in
            // the claim queue).
            var rows = needMore.SelectMany(i => Enumerable.Range(1, i.Count).Select(n => (i.ItemId, i.Content, n))).ToList();
            await connection.ExecuteAsync("""
                INSERT INTO assignments (id, order_id, item_id, slot, content, prelabel, follow_up)
                SELECT v.id, @orderId, v.item_id,
                       v.n + (SELECT max(a.slot) FROM assignments a WHERE a.order_id = @orderId AND a.item_id = v.item_id),
                       v.content, current_prelabel(@orderId, v.item_id), true
                FROM unnest(@ids, @itemIds, @contents, @ns) AS v(id, item_id, content, n)
                """, new
            {
                orderId = order.OrderId,
                ids = rows.Select(_ => Guid.CreateVersion7()).ToArray(),
                itemIds = rows.Select(r => r.ItemId).ToArray(),
                contents = rows.Select(r => r.Content).ToArray(),
                ns = rows.Select(r => r.n).ToArray(),
            }, tx);
            await connection.ExecuteAsync("""
                UPDATE task_orders SET total_assignments = total_assignments + @count, dynamic_slots = dynamic_slots + @count,
                                       labels_aggregated_at = now(), aggregation_rounds = @round
                WHERE order_id = @orderId
                """, new { orderId = order.OrderId, count = added, round }, tx);
        }
        else if (unfinished.Count > 0)
        {
            await connection.ExecuteAsync(
                "UPDATE task_orders SET labels_aggregated_at = now(), aggregation_rounds = @round WHERE order_id = @orderId",
                new { orderId = order.OrderId, round }, tx);
        }
        else
        {
            await connection.ExecuteAsync("""
                UPDATE task_orders SET completed_at = now(), labels_aggregated_at = now(), aggregation_rounds = @round WHERE order_id = @orderId
                """, new { orderId = order.OrderId, round }, tx);
            // A vendor's work package tells orders it is done; orders decides when the whole order is.
            var packageOf = await connection.ExecuteScalarAsync<Guid?>(
                "SELECT package_order_id FROM task_orders WHERE order_id = @orderId", new { orderId = order.OrderId }, tx);
            if (packageOf is { } partOf)
                await outbox.AddAsync(tx, new WorkPackageCompleted(order.OrderId, partOf, order.ApprovedAssignments, clock.GetUtcNow()));
            else
                await outbox.AddAsync(tx, new OrderWorkCompleted(order.OrderId, order.ApprovedAssignments, clock.GetUtcNow()));
        }
        await tx.CommitAsync(ct);
        logger.LogInformation("Aggregated order {OrderId} (round {Round}): {Items} items, {More} below the bar get {Added} more answers, {Open} items have slots open",
            order.OrderId, round, items, needMore.Count, added, unfinished.Count);
    }

    /// <summary>
    /// The orders (<c>task_orders o</c>) routed as answers arrive: a model assists them under dynamic overlap, and it is
    /// not the built-in text model. That one learns from the answers of unsettled items too (provisional labels,
    /// <see cref="TrainingRules.ProvisionalFor"/>), so it improves within a round already, and an item whose next slot is
    /// answered at once would be weighed against a model that just learnt the item's own first answer: measured with
    /// bench/labeling.sh on SpamAssassin, routing as answers arrive fell from 97.8% to 96.2% right at the same 1.99 answers
    /// an item (the items the model tipped: 96.4% right to 89.7%). The image model learns from settled labels only, and a
    /// backend is sent accepted labels only.
    /// </summary>
    public const string RollsWhere = $"""
        o.confidence_bar IS NOT NULL AND o.overlap_cap IS NOT NULL
        AND EXISTS (SELECT 1 FROM order_models m WHERE m.order_id = o.order_id AND (m.source <> 'builtin' OR o.task_type = '{TaskTypes.ImageClassification}'))
        """;

    /// <summary>Whether the order is routed as answers arrive (<see cref="RollsWhere"/>).</summary>
    private static Task<bool> RollsAsync(NpgsqlConnection connection, OrderTerms order, NpgsqlTransaction tx) =>
        connection.ExecuteScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM task_orders o WHERE o.order_id = @OrderId AND {RollsWhere})", new { order.OrderId }, tx);

    /// <summary>
    /// The model's opinion of an item's answers: whether its suggestion matches the label they give (the lone answer, or
    /// the aggregated label; the gold check's rule of sameness, <see cref="GoldMix.Matches"/>) and its score. None without a
    /// scored suggestion, and none for the built-in model's held-out items: those are left to the people alone (an audit),
    /// so the labels that measure and calibrate the model were never chosen by it (a model that closed an item after one
    /// agreeing answer would otherwise be judged on its own agreements).
    /// </summary>
    private sealed record Suggested(ModelOpinion Opinion, string Label);

    /// <summary>The item's suggestion when it has a score, and the item is not one of the built-in model's held-out items.</summary>
    private static (JsonElement Label, double Score)? Scored(ItemAnswers item, double heldOutShare)
    {
        if (item.Suggestion is null) return null;
        using var suggestion = JsonDocument.Parse(item.Suggestion);
        var root = suggestion.RootElement;
        if (!root.TryGetProperty("score", out var score) || score.ValueKind != JsonValueKind.Number || !root.TryGetProperty("label", out var label))
            return null;
        // Keyed on the prediction's source, not its version's name (a backend may call its versions anything).
        if (root.TryGetProperty("builtin", out var builtin) && builtin.ValueKind == JsonValueKind.True
            && HeldOut.IsHeldOut(item.ItemId, heldOutShare))
            return null;
        return (label.Clone(), Math.Clamp(score.GetDouble(), 0, 1));
    }

    private static Suggested? Opinion(TaskTemplate template, ItemAnswers item, string? aggregated, IReadOnlyList<double>? posterior, double heldOutShare)
    {
        if (Scored(item, heldOutShare) is not { } scored) return null;
        var (label, score) = scored;
        var given = item.Answers.Count == 1 ? item.Answers[0].Json : aggregated;
        var agrees = given is not null && Matches(template, given, label);
        // For several answers the model disagrees with: whether one of them gave the model's label (it may then tip the item).
        var supported = !agrees && item.Answers.Count > 1 && item.Answers.Any(a => Matches(template, a.Json, label));
        // The answers' own probability for the model's label (single-label, from their posterior).
        double? answersForModel = null;
        if (supported && posterior is not null && label.ValueKind == JsonValueKind.String
            && Enumerable.Range(0, template.Labels.Count).FirstOrDefault(i => template.Labels[i] == label.GetString(), -1) is var index and >= 0
            && index < posterior.Count)
            answersForModel = posterior[index];
        return new Suggested(new ModelOpinion(agrees, score, supported, answersForModel), label.GetRawText());
    }

    /// <summary>Whether an answer gives the model's label, by the gold check's rule of sameness.</summary>
    private static bool Matches(TaskTemplate template, string answerJson, JsonElement label)
    {
        using var answer = JsonDocument.Parse(answerJson);
        try { return GoldMix.Matches(template, answer.RootElement, label); }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException) { return false; }
    }

    /// <summary>The lone answer's worker's skill: as Dawid-Skene measured it, else their accuracy on gold; unknown otherwise.</summary>
    private static double? Skill(ItemAnswers item, IReadOnlyDictionary<Guid, double>? learnt, IReadOnlyDictionary<Guid, double> gold)
    {
        if (item.Answers.Count != 1) return null;
        var worker = item.Answers[0].WorkerId;
        return learnt is not null && learnt.TryGetValue(worker, out var skill) ? skill : gold.TryGetValue(worker, out var onGold) ? onGold : null;
    }

    private static int LabelCount(TaskTemplate template) =>
        TaskTypes.IsClassification(template.TaskType) && !template.MultiLabel && template.Labels.Count >= 2 ? template.Labels.Count : 2;

    /// <summary>
    /// Each worker's accuracy on the order's gold once they answered enough of it to be judged (Tasks:GoldMinimumAnswers),
    /// smoothed by one right and one wrong answer so a short perfect record does not read as never wrong.
    /// </summary>
    private async Task<Dictionary<Guid, double>> GoldSkillAsync(NpgsqlConnection connection, Guid orderId, NpgsqlTransaction tx) =>
        (await connection.QueryAsync<(Guid WorkerId, int Answered, int Correct)>("""
            SELECT worker_id, gold_answered, gold_correct FROM worker_order_quality WHERE order_id = @orderId AND gold_answered >= @least
            """, new { orderId, least = options.Value.GoldMinimumAnswers }, tx))
        .ToDictionary(r => r.WorkerId, r => (r.Correct + 1.0) / (r.Answered + 2.0));

    /// <summary>
    /// An item sent back after a failed acceptance sample takes its newest rework answer: that worker saw the enterprise's
    /// finding, which outweighs any vote among the answers the enterprise rejected. No confidence is claimed for it.
    /// </summary>
    private static Decision? Rework(ItemAnswers item)
    {
        var rework = item.Answers.Where(a => a.ReworkRound is not null).MaxBy(a => a.ReworkRound);
        return rework is null ? null : new Decision(rework.Json, null, AggregationMethods.Rework);
    }

    /// <summary>
    /// Single-label: SingleLabelAggregation (Dawid-Skene when it can learn each worker's skill: at least
    /// Tasks:DawidSkeneMinimumAnswers, gold included, three per worker on average, and items shared between workers or
    /// gold; else majority vote). Multi-label: one Dawid-Skene yes/no question per label. Gold items anchor both.
    /// A lone answer claims no confidence unless its worker's skill was learnt elsewhere.
    /// </summary>
    /// <param name="routedHeldOut">Under dynamic overlap, the built-in model's held-out share: the model's scored suggestions
    /// then join Dawid-Skene as a witness while it learns the workers (<see cref="Witnesses"/>).</param>
    private Dictionary<string, Decision> Classify(TaskTemplate template, List<ItemAnswers> items, double? routedHeldOut)
    {
        var result = new Dictionary<string, Decision>(StringComparer.Ordinal);
        if (template.MultiLabel)
        {
            var answers = items.SelectMany(i => i.Answers.Select(a => new MultiLabelAnswer(i.ItemId, a.WorkerId, Strings(a.Json)))).ToList();
            var gold = items.Where(i => i.GoldJson is not null)
                .ToDictionary(i => i.ItemId, i => (IReadOnlyList<string>)Strings(i.GoldJson!), StringComparer.Ordinal);
            foreach (var item in MultiLabel.Aggregate(answers, template.Labels, gold))
                result[item.ItemId] = new Decision(JsonSerializer.Serialize(item.Labels), item.Answers > 1 ? item.Confidence : null, AggregationMethods.MultiLabel);
            return result;
        }

        var single = items.SelectMany(i => i.Answers.Select(a => new CategoricalAnswer(i.ItemId, a.WorkerId, JsonSerializer.Deserialize<string>(a.Json)!))).ToList();
        var singleGold = items.Where(i => i.GoldJson is not null)
            .ToDictionary(i => i.ItemId, i => JsonSerializer.Deserialize<string>(i.GoldJson!)!, StringComparer.Ordinal);
        var witnesses = routedHeldOut is { } share ? Witnesses(items, share) : null;
        var decided = SingleLabelAggregation.Aggregate(single, template.Labels, singleGold, options.Value.DawidSkeneMinimumAnswers, options.Value.GoldAnswersToVouch,
            witnesses);
        foreach (var item in decided.Items)
            result[item.ItemId] = new Decision(JsonSerializer.Serialize(item.Label), item.Confidence, item.Method, decided.Skill, item.Vouched, item.Posterior);
        return result;
    }

    /// <summary>
    /// The model's scored suggestions for the items that started with one slot (migration 0032's follow-ups came after it):
    /// routing chose whether those got more answers by their first, so Dawid-Skene learns the workers with the model as a
    /// witness there (why: <see cref="DawidSkene"/>).
    /// </summary>
    private static Dictionary<string, ModelWitness> Witnesses(List<ItemAnswers> items, double heldOutShare)
    {
        var result = new Dictionary<string, ModelWitness>(StringComparer.Ordinal);
        foreach (var item in items)
            if (item.GoldJson is null && item.Answers.Count(a => !a.FollowUp) == 1
                && Scored(item, heldOutShare) is { } scored && scored.Label.ValueKind == JsonValueKind.String)
                result[item.ItemId] = new ModelWitness(scored.Label.GetString()!, scored.Score);
        return result;
    }

    private static List<string> Strings(string json) => JsonSerializer.Deserialize<List<string>>(json) ?? [];

    private static string Provenance(ItemAnswers item, IReadOnlyDictionary<Guid, double>? skill)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var answer in item.Answers)
            {
                w.WriteStartObject();
                w.WriteString("assignmentId", answer.AssignmentId);
                w.WriteString("workerId", answer.WorkerId);
                w.WritePropertyName("answer");
                w.WriteRawValue(answer.Json, skipInputValidation: true);
                if (skill is not null && skill.TryGetValue(answer.WorkerId, out var accuracy)) w.WriteNumber("workerAccuracy", Math.Round(accuracy, 4));
                if (answer.ReworkRound is { } r) w.WriteNumber("reworkRound", r);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The order's approved answers, grouped by item (gold items first when included), streamed.</summary>
    private static async IAsyncEnumerable<ItemAnswers> ReadAsync(NpgsqlConnection connection, Guid orderId, bool includeGold,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT a.item_id, a.content, a.id, a.worker_id, a.answer::text, a.rework_round, a.gold_answer::text,
                   CASE WHEN p.item_id IS NOT NULL
                        THEN jsonb_build_object('label', p.label, 'modelVersion', p.model_version, 'score', p.score, 'builtin', p.source = 'builtin')
                        WHEN NOT a.prelabel_planted THEN a.prelabel END::text AS suggestion,
                   a.follow_up
            FROM assignments a LEFT JOIN item_predictions p ON p.order_id = a.order_id AND p.item_id = a.item_id
            WHERE a.order_id = @orderId AND a.status = 'approved'{(includeGold ? "" : " AND NOT a.is_gold")}
            ORDER BY a.is_gold DESC, a.item_id, a.slot
            """, connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("orderId", orderId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        ItemAnswers? current = null;
        while (await reader.ReadAsync(ct))
        {
            var itemId = reader.GetString(0);
            if (current is null || current.ItemId != itemId)
            {
                if (current is not null) yield return current;
                current = new ItemAnswers(itemId, reader.GetString(1), [], reader.IsDBNull(6) ? null : reader.GetString(6));
            }
            current.Answers.Add(new Answer(reader.GetGuid(2), reader.GetGuid(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.GetBoolean(8)));
            if (current.Suggestion is null && !reader.IsDBNull(7)) current.Suggestion = reader.GetString(7);
        }
        if (current is not null) yield return current;
    }

    private sealed class DisposableAnswers(List<JsonDocument> documents) : IDisposable
    {
        public IReadOnlyList<JsonElement> Elements { get; } = documents.Select(d => d.RootElement).ToList();

        public void Dispose()
        {
            foreach (var document in documents) document.Dispose();
        }
    }
}
