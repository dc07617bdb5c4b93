using Marketplace.ServiceDefaults.Jobs;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Tasks.Jobs;

/// <summary>A submission nobody reviewed in time is approved: workers are not left unpaid by silent requesters.</summary>
public sealed class AutoApproveAssignment(NpgsqlDataSource db) : IJobHandler
{
    public const string Name = "auto-approve";

    public sealed record Payload(Guid AssignmentId);

    string IJobHandler.Name => Name;

    public async Task RunAsync(JobContext job, CancellationToken ct)
    {
        var payload = job.PayloadAs<Payload>();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await Approvals.LockOrderOfAsync(tx, payload.AssignmentId);
        // Already approved by the enterprise: nothing to do, which is a success.
        await Approvals.ApproveAsync(tx, payload.AssignmentId, autoApproved: true);
        await tx.CommitAsync(ct);
    }
}
