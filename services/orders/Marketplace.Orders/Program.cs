using Marketplace.Orders;
using Marketplace.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("orders", typeof(Program).Assembly);
builder.AddOrders();

var app = builder.Build();
app.MapServiceDefaults();
app.MapOrders();
app.Run();

public partial class Program;
