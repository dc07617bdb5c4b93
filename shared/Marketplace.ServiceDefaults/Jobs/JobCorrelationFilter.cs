using System.Diagnostics;
using Hangfire.Client;
using Hangfire.Server;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.ServiceDefaults.Telemetry;

namespace Marketplace.ServiceDefaults.Jobs;

/// <summary>
/// A job continues the trace of the request or message that asked for it: the correlation id (the trace id) is a job
/// parameter, set when the job is created and put back while it runs, inside a span of that trace (so the job's database
/// calls are traced and the messages it writes carry it). A recurring run starts a trace of its own. Each run's outcome
/// is counted (marketplace_jobs_succeeded_total / marketplace_jobs_failed_total, by job).
/// </summary>
internal sealed class JobCorrelationFilter : IClientFilter, IServerFilter
{
    public const string ActivitySourceName = "Marketplace.Jobs";
    private static readonly ActivitySource Source = new(ActivitySourceName);
    private const string Parameter = "CorrelationId";

    public void OnCreating(CreatingContext context)
    {
        if (Correlation.Current is { } id) context.SetJobParameter(Parameter, id);
    }

    public void OnCreated(CreatedContext context) { }

    public void OnPerforming(PerformingContext context)
    {
        var id = context.GetJobParameter<Guid?>(Parameter) ?? Guid.CreateVersion7();
        Correlation.Current = id;
        var parent = new ActivityContext(Correlation.ToTraceId(id), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var activity = Source.StartActivity($"job {Name(context)}", ActivityKind.Internal, parent);
        activity?.SetTag("hangfire.job_id", context.BackgroundJob.Id);
        context.Items["activity"] = activity;
    }

    public void OnPerformed(PerformedContext context)
    {
        var failed = context.Exception is not null && !context.ExceptionHandled;
        if (failed) MarketplaceMetrics.JobFailed(Name(context));
        else MarketplaceMetrics.JobSucceeded(Name(context));
        if (context.Items.TryGetValue("activity", out var value) && value is Activity activity)
        {
            if (failed) activity.SetStatus(ActivityStatusCode.Error, context.Exception!.Message);
            activity.Dispose();
        }
        Correlation.Current = null;
    }

    private static string Name(PerformContext context) => context.BackgroundJob.Job?.Type.Name ?? "unknown";
}
