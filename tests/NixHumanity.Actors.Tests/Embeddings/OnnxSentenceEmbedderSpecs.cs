using System.Net.Sockets;
using System.Net;
using System.Numerics.Tensors;
using Microsoft.ML.Tokenizers;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Embeddings;

/// <summary>
/// The weights of tiny-minilm.onnx (built by tools/make-tiny-onnx.py), recomputed by hand:
/// last_hidden_state[b, t] = W[id mod 1024] + T[type] + mask · M.
/// </summary>
internal static class TinyModelFormula
{
    public const string Sha256 = "85b6b77e5700c9d2234a72b65c91c42ea1a0cef8132f27e48188906c80a1e394";

    public static float[] Row(long id, long type, long mask)
    {
        var row = new float[384];
        var r = id % 1024;
        for (var d = 0; d < 384; d++)
        {
            // Same float32 operations as the graph: Cast(int8) * (float)(1/48), then Add, then Add(mask * M).
            var w = (((r * 31) + (d * 17)) % 97 - 48) * (float)(1.0 / 48.0);
            var t = (float)((((type * 13) + (d * 7)) % 11 - 5) / 10.0);
            var m = (float)(((d * 5) % 9 - 4) / 8.0);
            row[d] = (w + t) + (mask * m);
        }

        return row;
    }

    /// <summary>Mean over the (unpadded) tokens, then L2 normalisation — the sentence-transformers recipe.</summary>
    public static float[] Expected(IReadOnlyList<int> ids)
    {
        var sum = new double[384];
        foreach (var id in ids)
        {
            var row = Row(id, 0, 1);
            for (var d = 0; d < 384; d++)
            {
                sum[d] += row[d];
            }
        }

        var norm = Math.Sqrt(sum.Sum(x => (x / ids.Count) * (x / ids.Count)));
        return sum.Select(x => (float)(x / ids.Count / norm)).ToArray();
    }
}

public sealed class OnnxSentenceEmbedderSpecs : IDisposable
{
    private readonly OnnxSentenceEmbedder _embedder = new(new OnnxSentenceEmbedderOptions
    {
        ModelPath = EmbeddingTestFiles.TinyModel,
        ExpectedSha256 = TinyModelFormula.Sha256,
    });

    public void Dispose() => _embedder.Dispose();

    [Fact]
    public void Known_text_gives_the_known_bert_token_ids()
    {
        _embedder.Tokenize("install development tools").Should().Equal(101, 16500, 2458, 5906, 102);
    }

    [Fact]
    public void Accents_are_stripped_like_the_hugging_face_uncased_tokenizer()
    {
        _embedder.Tokenize("Café Héllo").Should().Equal(_embedder.Tokenize("cafe hello"));
        _embedder.Tokenize("café").Should().Equal(101, 7668, 102);
    }

    [Fact]
    public void Id_names_the_model_and_the_hash_prefix_and_dimensions_come_from_the_model()
    {
        _embedder.Id.Should().Be("onnx:all-MiniLM-L6-v2:85b6b77e5700");
        _embedder.Dimensions.Should().Be(384);
        _embedder.Sha256.Should().Be(TinyModelFormula.Sha256);
    }

    [Fact]
    public void Pooling_matches_a_hand_computation_from_the_model_weights()
    {
        var actual = _embedder.Embed("install development tools");
        var expected = TinyModelFormula.Expected([101, 16500, 2458, 5906, 102]);
        actual.Should().HaveCount(384);
        for (var d = 0; d < 384; d++)
        {
            actual[d].Should().BeApproximately(expected[d], 1e-5f, $"component {d}");
        }

        TensorPrimitives.Norm(actual).Should().BeApproximately(1f, 1e-5f);
    }

    [Fact]
    public void Padded_batch_equals_single_calls_and_ignores_padding()
    {
        string[] texts =
        [
            "install development tools",
            "my wifi stopped working after the last nixos-rebuild switch, please help me fix the network",
            "vlc",
        ];
        var batch = _embedder.EmbedBatch(texts);
        batch.Should().HaveCount(3);
        for (var i = 0; i < texts.Length; i++)
        {
            var single = _embedder.Embed(texts[i]);
            var byHand = TinyModelFormula.Expected(_embedder.Tokenize(texts[i]));
            for (var d = 0; d < 384; d++)
            {
                batch[i][d].Should().BeApproximately(single[d], 1e-5f, $"text {i}, component {d}");
                // Padding rows (id 0, mask 0) are non-zero in this model, so including them would show here.
                batch[i][d].Should().BeApproximately(byHand[d], 1e-5f, $"text {i}, component {d}");
            }
        }
    }

    [Fact]
    public void Batches_larger_than_max_batch_size_are_split_without_changing_results()
    {
        using var small = new OnnxSentenceEmbedder(new OnnxSentenceEmbedderOptions
        {
            ModelPath = EmbeddingTestFiles.TinyModel,
            ExpectedSha256 = TinyModelFormula.Sha256,
            MaxBatchSize = 2,
        });
        var texts = Enumerable.Range(0, 5).Select(i => $"request number {i} " + new string('x', i)).ToArray();
        var split = small.EmbedBatch(texts);
        var whole = _embedder.EmbedBatch(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            split[i].Should().BeEquivalentTo(whole[i], o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-5f)).WhenTypeIs<float>());
        }
    }

    [Fact]
    public void Long_text_is_truncated_to_256_tokens_keeping_cls_and_sep()
    {
        var longText = string.Join(" ", Enumerable.Repeat("configure the nixos firewall", 200));
        var ids = _embedder.Tokenize(longText);
        ids.Should().HaveCount(256);
        ids[0].Should().Be(101);
        ids[^1].Should().Be(102);

        // The kept word pieces are exactly the first 254 of the untruncated text (Hugging Face truncation).
        var reference = BertTokenizer.Create(
            Path.Combine(ModelFiles.LocateModelFolder(), "vocab.txt"), new BertOptions { RemoveNonSpacingMarks = true });
        var all = reference.EncodeToIds(longText, addSpecialTokens: false);
        all.Count.Should().BeGreaterThan(254);
        ids.Skip(1).Take(254).Should().Equal(all.Take(254));

        var vector = _embedder.Embed(longText);
        var expected = TinyModelFormula.Expected(ids);
        for (var d = 0; d < 384; d++)
        {
            vector[d].Should().BeApproximately(expected[d], 1e-5f);
        }
    }

    [Fact]
    public void Empty_batch_gives_no_vectors_and_a_null_text_is_rejected_with_its_index()
    {
        _embedder.EmbedBatch([]).Should().BeEmpty();
        var act = () => _embedder.EmbedBatch(["ok", null!]);
        act.Should().Throw<ArgumentException>().WithMessage("*texts[1]*");
    }

    [Fact]
    public void Checksum_mismatch_names_the_file_the_expected_and_the_actual_hash()
    {
        var wrong = new string('0', 64);
        var act = () => new OnnxSentenceEmbedder(new OnnxSentenceEmbedderOptions
        {
            ModelPath = EmbeddingTestFiles.TinyModel,
            ExpectedSha256 = wrong,
        });
        var error = act.Should().Throw<ModelChecksumException>().Which;
        error.Message.Should().Contain(EmbeddingTestFiles.TinyModel).And.Contain(wrong).And.Contain(TinyModelFormula.Sha256);
        error.Actual.Should().Be(TinyModelFormula.Sha256);
    }

    [Fact]
    public void Without_a_configured_hash_only_published_exports_are_accepted()
    {
        var act = () => new OnnxSentenceEmbedder(new OnnxSentenceEmbedderOptions { ModelPath = EmbeddingTestFiles.TinyModel });
        act.Should().Throw<ModelChecksumException>()
            .WithMessage("*published*")
            .And.Message.Should().Contain(KnownModels.XenovaFp32Sha256);
    }

    [Fact]
    public void Malformed_configured_hash_is_rejected_naming_the_field()
    {
        var act = () => new OnnxSentenceEmbedder(new OnnxSentenceEmbedderOptions
        {
            ModelPath = EmbeddingTestFiles.TinyModel,
            ExpectedSha256 = "abc",
        });
        act.Should().Throw<ArgumentException>().WithMessage("*ExpectedSha256*64 hexadecimal*");
    }

    [Fact]
    public void Missing_model_file_without_download_is_a_clear_file_not_found()
    {
        using var temp = new TempDataDirectory();
        var path = temp.File("absent.onnx");
        var act = () => new OnnxSentenceEmbedder(new OnnxSentenceEmbedderOptions { ModelPath = path });
        act.Should().Throw<FileNotFoundException>()
            .WithMessage($"*{path}*ModelPath*does not exist*")
            .Which.FileName.Should().Be(path);
    }

    [Fact]
    public void Missing_vocabulary_is_a_clear_file_not_found()
    {
        using var temp = new TempDataDirectory();
        var act = () => new OnnxSentenceEmbedder(new OnnxSentenceEmbedderOptions
        {
            ModelPath = EmbeddingTestFiles.TinyModel,
            ExpectedSha256 = TinyModelFormula.Sha256,
            TokenizerFolder = temp.Path,
        });
        act.Should().Throw<FileNotFoundException>().WithMessage($"*{Path.Combine(temp.Path, "vocab.txt")}*");
    }

    [Fact]
    public void A_file_that_is_not_an_onnx_model_is_rejected_naming_it()
    {
        using var temp = new TempDataDirectory();
        var path = temp.File("not-a-model.onnx");
        File.WriteAllText(path, "this is not a model");
        var act = () => new OnnxSentenceEmbedder(new OnnxSentenceEmbedderOptions
        {
            ModelPath = path,
            ExpectedSha256 = ModelFiles.ComputeSha256(path),
        });
        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*");
    }

    [Fact]
    public void Tokenizer_folder_is_found_beside_the_binaries()
    {
        var folder = ModelFiles.LocateModelFolder();
        // The library's build copies models/all-MiniLM-L6-v2 next to the binaries of every project that uses it.
        folder.Should().StartWith(AppContext.BaseDirectory);
        File.Exists(Path.Combine(folder, "vocab.txt")).Should().BeTrue();
        ModelFiles.ComputeSha256(Path.Combine(folder, "vocab.txt"))
            .Should().Be("07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3");
    }

    [Fact]
    public void Unknown_model_folder_error_lists_where_it_looked()
    {
        var act = () => ModelFiles.LocateModelFolder("no-such-model");
        act.Should().Throw<DirectoryNotFoundException>().WithMessage("*no-such-model*vocab.txt*TokenizerFolder*");
    }
}

public sealed class ModelDownloadSpecs
{
    [Fact]
    public void Download_without_network_fails_with_a_clear_message_and_leaves_no_file()
    {
        using var temp = new TempDataDirectory();
        var path = temp.File("model.onnx");
        var act = () => new OnnxSentenceEmbedder(new OnnxSentenceEmbedderOptions
        {
            ModelPath = path,
            DownloadUrl = new Uri("http://127.0.0.1:9/model.onnx"),
            DownloadTimeout = TimeSpan.FromSeconds(20),
        });
        act.Should().Throw<ModelDownloadException>()
            .WithMessage("*http://127.0.0.1:9/model.onnx*model.onnx*no network*sha256*");
        Directory.GetFiles(temp.Path).Should().BeEmpty("a failed download must not leave a file that looks like a model");
    }

    [Fact]
    public async Task Download_from_a_local_server_is_verified_then_used()
    {
        using var temp = new TempDataDirectory();
        var path = temp.File("sub/model.onnx");
        using var server = await OneFileServer.StartAsync(await File.ReadAllBytesAsync(EmbeddingTestFiles.TinyModel));
        using var embedder = new OnnxSentenceEmbedder(new OnnxSentenceEmbedderOptions
        {
            ModelPath = path,
            DownloadUrl = server.Url,
            ExpectedSha256 = TinyModelFormula.Sha256,
        });
        File.Exists(path).Should().BeTrue();
        ModelFiles.ComputeSha256(path).Should().Be(TinyModelFormula.Sha256);
        embedder.Tokenize("install development tools").Should().Equal(101, 16500, 2458, 5906, 102);
    }

    [Fact]
    public async Task Download_with_the_wrong_hash_is_rejected_and_removed()
    {
        using var temp = new TempDataDirectory();
        var path = temp.File("model.onnx");
        using var server = await OneFileServer.StartAsync("tampered bytes"u8.ToArray());
        var act = () => new OnnxSentenceEmbedder(new OnnxSentenceEmbedderOptions
        {
            ModelPath = path,
            DownloadUrl = server.Url,
            ExpectedSha256 = TinyModelFormula.Sha256,
        });
        act.Should().Throw<ModelDownloadException>().WithMessage($"*{TinyModelFormula.Sha256}*")
            .WithInnerException<ModelChecksumException>();
        Directory.GetFiles(temp.Path).Should().BeEmpty();
    }

    /// <summary>Serves one byte array over HTTP on a free loopback port.</summary>
    private sealed class OneFileServer : IDisposable
    {
        private readonly HttpListener _listener;
        private readonly Task _loop;

        private OneFileServer(HttpListener listener, Uri url, byte[] body)
        {
            _listener = listener;
            Url = url;
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    context.Response.ContentLength64 = body.Length;
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            });
        }

        public Uri Url { get; }

        public static Task<OneFileServer> StartAsync(byte[] body)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var prefix = $"http://127.0.0.1:{port}/";
            var listener = new HttpListener();
            listener.Prefixes.Add(prefix);
            listener.Start();
            return Task.FromResult(new OneFileServer(listener, new Uri(prefix + "model.onnx"), body));
        }

        public void Dispose()
        {
            // Close alone: on Linux, Close after Stop asks for the port's endpoint again, which binds it anew and fails
            // with "Address already in use" when another test has taken the port in between.
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
