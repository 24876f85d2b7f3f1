using NixHumanity.Cli;

return await NixhCommandLine.RunAsync(args);
