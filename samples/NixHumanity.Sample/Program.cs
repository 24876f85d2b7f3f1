// A minimal assistant host: `dotnet run --project samples/NixHumanity.Sample [data-dir]`. Everything happens in
// AssistantSample.RunAsync, so a spec can run the same entry point in-process (tests/…/Samples/AssistantSampleSpecs).
return await NixHumanity.Sample.AssistantSample.RunAsync(args, Console.Out);
