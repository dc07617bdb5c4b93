using Marketplace.ServiceDefaults.Jobs;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Tasks.Jobs;

/// <summary>At a test's time limit the attempt is scored with what was answered (scheduled when the test starts).</summary>
public sealed class FinishExamAttempt(NpgsqlDataSource db) : IJobHandler
{
    public const string Name = "finish-exam-attempt";

    public sealed record Payload(Guid AttemptId);

    string IJobHandler.Name => Name;

    public async Task RunAsync(JobContext job, CancellationToken ct)
    {
        var payload = job.PayloadAs<Payload>();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Finished already (every item answered, or the worker finished): nothing to do, which is a success.
        await ExamScoring.FinishAsync(tx, payload.AttemptId);
        await tx.CommitAsync(ct);
    }
}
