using Microsoft.Extensions.Options;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Tasks.Consumers;
using Marketplace.Tasks.Domain;
using Marketplace.Tasks.Features;
using Marketplace.Tasks.Features.Team;
using Marketplace.Tasks.Jobs;
using Marketplace.Tasks.Models;
using Marketplace.Tasks.Models.Backends;
using Marketplace.Tasks.Publishing;

namespace Marketplace.Tasks;

public static class TasksModule
{
    public static WebApplicationBuilder AddTasks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TasksOptions>().BindConfiguration("Tasks")
            .Validate(o => o.RollingRoutingInterval > TimeSpan.Zero, "Tasks:RollingRoutingInterval must be above zero")
            .ValidateOnStart();
        builder.AddMessaging(x =>
        {
            x.AddConsumer<OrderReadyForWorkConsumer>();
            x.AddConsumer<OrderCancelledConsumer>();
            x.AddConsumer<CloseWorkAtDeadlineConsumer>();
            x.AddConsumer<OrderDeadlineExtendedConsumer>();
            x.AddConsumer<OrderReworkReadyConsumer>();
            x.AddConsumer<ApprovalTotalsResponder>();
            x.AddConsumer<AcceptanceSampleViewedConsumer>();
            x.AddConsumer<StartWorkPackageConsumer>();
        });
        builder.Services.AddContentStore(builder.Configuration);
        builder.AddJobs();
        builder.Services.AddRecurringJob<AutoApproveDue, TasksOptions>(AutoApproveDue.Name, o => o.AutoApproveSweepInterval);
        builder.Services.AddRecurringJob<SweepLapsedLeases, TasksOptions>(SweepLapsedLeases.Name, o => o.LeaseSweepInterval);
        builder.Services.AddRecurringJob<ReplaceStandingRejections, TasksOptions>(ReplaceStandingRejections.Name, o => o.RejectionSweepInterval);
        builder.Services.AddTransient<ReplaceRejected>(); // also run by replace-standing-rejections
        builder.Services.AddHostedService<ApprovalPublisher>();
        builder.AddContentLinks();
        builder.AddQualifications();
        builder.AddBuiltInModel();
        builder.AddModelBackends();
        builder.Services.AddSingleton<ClaimQueueHead>();
        builder.Services.AddConcurrencyPolicy<TasksOptions>(ClaimAssignment.ConcurrencyPolicy, o => (o.ClaimConcurrency, o.ClaimQueue));
        builder.Services.AddSingleton(services => new ExportLinks(ContentLinks.ForPurpose(
            services.GetRequiredService<IOptions<ContentLinkOptions>>().Value,
            "export", "/api/tasks/exports", services.GetRequiredService<IOptions<TasksOptions>>().Value.ExportLinkLifetime)));
        return builder;
    }

    public static WebApplication MapTasks(this WebApplication app)
    {
        app.MapGroup("/assignments").WithTags("Assignments")
            .MapClaimAssignment()
            .MapSubmitAnswer()
            .MapApproveAssignment()
            .MapLeases()
            .MapReview()
            .MapMySubmissions()
            .MapGetAssignment();
        app.MapGroup("/quality").WithTags("Quality").MapMyQuality();
        app.MapGroup("/orders").WithTags("Orders").MapListOrderAssignments().MapOrderProgress().MapOrderLabels().MapLabelExports().MapPrelabelFigures()
            .MapModelSavings().MapBuiltInModel();
        app.MapGroup("/exports").WithTags("Exports").MapDownloadExport();
        app.MapQualifications();
        app.MapGroup("/orders").WithTags("Model backends").MapModelBackendRegistration();
        app.MapGroup("/model-backends").WithTags("Model backends").MapPushedPredictions();
        return app;
    }

    /// <summary>The built-in model (issue 15 item 2): its options, the image fetcher and its training schedule.</summary>
    private static void AddBuiltInModel(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BuiltInModelOptions>().BindConfiguration("Models");
        builder.Services.AddHttpClient(ItemImages.Client, (services, http) =>
        {
            var options = services.GetRequiredService<IOptions<BuiltInModelOptions>>().Value;
            http.BaseAddress = new Uri(options.OrdersAddress);
            http.Timeout = options.ImageTimeout;
        });
        builder.Services.AddSingleton<ItemImages>();
        builder.Services.AddRecurringJob<TrainBuiltInModels, BuiltInModelOptions>(TrainBuiltInModels.Name, o => o.TrainingInterval);
    }

    /// <summary>External model backends in Label Studio's ML backend shapes (issue 15 item 4; docs/model-backends.md).</summary>
    private static void AddModelBackends(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ModelBackendOptions>().BindConfiguration("Tasks:ModelBackends")
            .Validate(o => { try { return string.IsNullOrWhiteSpace(o.SecretKey) || o.SecretKeyBytes().Length >= 32; } catch (FormatException) { return false; } },
                "Tasks:ModelBackends:SecretKey must be a base64 key of at least 32 bytes when set")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.BatchSize is > 0 and <= 500 && o.FailuresToOpenCircuit > 0, "Tasks:ModelBackends has an impossible setting")
            .ValidateOnStart();
        builder.Services.AddSingleton<BackendSecrets>();
        builder.Services.AddSingleton<BackendClient>();
        builder.Services.AddTransient<ModelBackendRounds>();
        builder.Services.AddRecurringJob<ModelBackendRounds, ModelBackendOptions>(ModelBackendRounds.Name, o => o.RoundInterval);
    }

    /// <summary>Who may claim: clearance, exams and qualifications, the worker profile, and the audit of content views.</summary>
    private static void AddQualifications(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(IdentityNumberKey.From(builder.Configuration));
    }

    private static void MapQualifications(this WebApplication app)
    {
        app.MapGroup("/workers").WithTags("Workers")
            .MapIdentityVerification().MapAgreementSigning().MapVetting().MapWorkerProfile();
        app.MapGroup("/agreements").WithTags("Workers").MapAgreements();
        app.MapGroup("/exams").WithTags("Exams").MapExams().MapExamStart();
        app.MapGroup("/exam-attempts").WithTags("Exams").MapExamAttempts();
        app.MapGroup("/orders").WithTags("Orders").MapContentViewTrail();
        app.MapGroup("/talent").WithTags("Teams").MapTalentPool();
        app.MapGroup("/team").WithTags("Teams").MapTeams();
    }
}
