using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary><c>--embedder</c> / <c>NIXH_EMBEDDER</c>, and what <c>nixh stats</c> says about the embedder in use.</summary>
public sealed class EmbedderCliSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Stats_names_the_embedder_in_use_and_whether_it_is_the_model()
    {
        // NixhProcess sets NIXH_EMBEDDER=ngram; --embedder overrides it.
        var ngram = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("stats", "--data-dir", _data.Path, "--json"));
        var minilm = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("stats", "--data-dir", _data.Path, "--json", "--embedder", "minilm"));
        var bogus = await NixhProcess.RunAsync("stats", "--data-dir", _data.Path, "--embedder", "bert");

        ngram.GetProperty("embedder").GetString().Should().Be("ngram-v1");
        ngram.GetProperty("embedderKind").GetString().Should().Be("ngram");
        ngram.GetProperty("embedderFallback").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        minilm.GetProperty("embedder").GetString().Should().Be(PackagedMiniLm.EmbedderId);
        minilm.GetProperty("embedderKind").GetString().Should().Be("minilm");
        minilm.GetProperty("embedderFallback").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        bogus.ExitCode.Should().Be(2);
        bogus.StdErr.Should().Contain("embedder").And.Contain("auto, minilm or ngram");
    }

    [Fact]
    public async Task With_the_model_a_record_is_found_by_meaning_by_a_later_search()
    {
        var record = await NixhProcess.RunAsync("record", "--embedder", "minilm", "--data-dir", _data.Path, "--user", "rose", "--session", "s",
            "--text", "I would like the fire fox browser please", "--command", "nix-env -iA nixpkgs.firefox", "--outcome", "success");
        await NixhProcess.RunAsync("record", "--embedder", "minilm", "--data-dir", _data.Path, "--user", "rose", "--session", "s",
            "--text", "my wifi stopped working", "--command", "systemctl restart NetworkManager", "--outcome", "success");

        var found = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("search", "--embedder", "minilm", "--data-dir", _data.Path, "--json", "--user", "rose", "the internet is down"));

        record.ExitCode.Should().Be(0);
        found.GetProperty("results")[0].GetProperty("command").GetString().Should().Be("systemctl restart NetworkManager");
    }
}
