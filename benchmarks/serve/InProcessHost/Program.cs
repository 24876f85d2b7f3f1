// The library hosted in-process as an assistant hosts it, serving nixh on its data directory's socket until SIGTERM.
// Options come from the command line, e.g.
//   dotnet InProcessHost.dll --NixHumanity:DataDirectory=D --NixHumanity:Projections:LiveApplyWindow=00:00:00
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddNixHumanity(builder.Configuration.GetSection("NixHumanity"));
using var host = builder.Build();
await host.RunAsync();
return 0;
