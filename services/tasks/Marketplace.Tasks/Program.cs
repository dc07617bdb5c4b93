using Marketplace.ServiceDefaults;
using Marketplace.Tasks;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("tasks", typeof(Program).Assembly);
builder.AddTasks();

var app = builder.Build();
app.MapServiceDefaults();
app.MapTasks();
app.Run();

public partial class Program;
