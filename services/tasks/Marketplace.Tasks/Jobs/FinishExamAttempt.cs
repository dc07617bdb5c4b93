using Marketplace.ServiceDefaults.Jobs;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Tasks.Jobs;

/// <summary>At a test's time limit the attempt is scored with what was answered (scheduled when the test starts).</summary>
public sealed class FinishExamAttempt(NpgsqlDataSource db) : IJob<FinishExamAttempt.Payload>
{
    public const string Name = "finish-exam-attempt";

    public sealed record Payload(Guid AttemptId);

    public async Task RunAsync(Payload payload, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Finished already (every item answered, or the worker finished): nothing to do, which is a success.
        await ExamScoring.FinishAsync(tx, payload.AttemptId);
        await tx.CommitAsync(ct);
    }
}
