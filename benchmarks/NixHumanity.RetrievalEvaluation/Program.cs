using NixHumanity.RetrievalEvaluation;

// One command, every embedder and search configuration side by side, results into docs/benchmarks-retrieval.md:
//   dotnet run -c Release --project benchmarks/NixHumanity.RetrievalEvaluation [-- --locomo PATH]
var root = EvaluationRun.FindRepositoryRoot();
EvaluationArguments arguments;
try
{
    arguments = EvaluationArguments.Parse(args, root);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

EmbeddingCache.Configure(arguments.EmbeddingCache);
var run = new EvaluationRun(root, arguments, Console.Out);
if (arguments.DumpFolder is not null)
{
    run.Dump(arguments.DumpFolder);
}
else if (arguments.Sweep)
{
    run.Sweep();
}
else
{
    run.Run();
}

return 0;
