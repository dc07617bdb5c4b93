using Marketplace.Payouts;
using Marketplace.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("payouts", typeof(Program).Assembly);
builder.AddPayouts();

var app = builder.Build();
app.MapServiceDefaults();
app.MapPayouts();
app.Run();

public partial class Program;
