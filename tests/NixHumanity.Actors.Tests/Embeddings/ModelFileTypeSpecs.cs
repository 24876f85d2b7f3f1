using System.Runtime.InteropServices;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Embeddings;

/// <summary>
/// Model files named by the host's options (an ONNX model, its vocabulary, a word-vector file, the package DLL) are
/// checked before they are opened: a FIFO (which blocks in open), a link to <c>/dev/zero</c> (which never ends) or a
/// file larger than the reader's cap is refused with one <c>field: rule</c> line, never read.
/// </summary>
public sealed class ModelFileTypeSpecs : IDisposable
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(1);
    private readonly TempDataDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Plants => ["fifo", "dev-zero"];

    private string Plant(string plant, string name)
    {
        var path = _temp.File(name);
        if (plant == "fifo")
        {
            MakeFifo(path).Should().Be(0);
        }
        else
        {
            File.CreateSymbolicLink(path, "/dev/zero");
        }

        return path;
    }

    [Theory]
    [MemberData(nameof(Plants))]
    public async Task A_word_vector_file_that_is_no_regular_file_is_refused_unread(string plant)
    {
        var path = Plant(plant, "vectors.nhwv");

        var read = () => Task.Run(() => WordVectorFile.Read(path)).WaitAsync(Budget);

        (await read.Should().ThrowAsync<InvalidDataException>()).Which.Message
            .Should().Be($"{path}: must be a regular file (not a pipe, device or socket)");
    }

    [Theory]
    [MemberData(nameof(Plants))]
    public async Task An_onnx_model_that_is_no_regular_file_is_refused_unhashed(string plant)
    {
        var path = Plant(plant, "model.onnx");

        var verify = () => Task.Run(() => ModelFiles.VerifySha256(path, null, [])).WaitAsync(Budget);

        (await verify.Should().ThrowAsync<InvalidDataException>()).Which.Message
            .Should().Be($"{path}: must be a regular file (not a pipe, device or socket)");
    }

    [Theory]
    [MemberData(nameof(Plants))]
    public async Task A_package_dll_that_is_no_regular_file_is_refused_unread(string plant)
    {
        var path = Plant(plant, "package.dll");

        var read = () => Task.Run(() => ManifestResourceFile.Read(path, "model.onnx")).WaitAsync(Budget);

        (await read.Should().ThrowAsync<InvalidDataException>()).Which.Message
            .Should().StartWith($"{path}: must be a regular file");
    }

    [Fact]
    public void A_word_vector_file_larger_than_its_cap_is_refused_unread()
    {
        var path = _temp.File("huge.nhwv");
        using (var file = File.Create(path))
        {
            // Sparse: no disk is used, but the size is what a reader would face.
            file.SetLength(ModelFiles.MaxWordVectorBytes + 1);
        }

        var read = () => WordVectorFile.Read(path);

        read.Should().Throw<InvalidDataException>().Which.Message
            .Should().Be($"{path}: must be at most {ModelFiles.MaxWordVectorBytes:N0} bytes (is {ModelFiles.MaxWordVectorBytes + 1:N0})");
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode = 0b110_000_000);
}
