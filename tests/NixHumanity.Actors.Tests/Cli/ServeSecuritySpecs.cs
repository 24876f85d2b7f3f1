using System.Net.Sockets;
using System.Text;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Hosting.Serving;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary>Only the owner's own user reaches the socket: the folder is 0700, the socket 0600, the peer's uid checked
/// before a byte of the request is read.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ServeSecuritySpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static async Task<string> ReplyAsync(string socketPath, string? request)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        await using var stream = new NetworkStream(socket);
        if (request is not null)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request + "\n"));
        }

        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task A_peer_of_another_user_is_refused_before_its_request_is_read()
    {
        var served = 0;
        await using var listener = ServeListener.Start(_data.Path, new PeerCheck(ownerUid: 1000, peerUid: _ => 1001), (_, _, _) =>
        {
            Interlocked.Increment(ref served);
            return Task.FromResult(0);
        });

        var reply = await ReplyAsync(listener.SocketPath, request: null);

        reply.Should().Be("{\"stderr\":\"nixh: refused: user 1001 may not use the data directory of user 1000\\n\"}\n{\"exit\":1}\n");
        served.Should().Be(0);
    }

    [Fact]
    public async Task The_socket_is_owner_only_and_the_owners_own_user_is_served()
    {
        await using var listener = ServeListener.Start(_data.Path, PeerCheck.ForThisUser(), (request, channel, _) =>
        {
            channel.Send("stdout", string.Join(' ', request.Args));
            return Task.FromResult(7);
        });

        var reply = await ReplyAsync(listener.SocketPath, "{\"args\":[\"status\",\"--user\",\"rose\"],\"cwd\":\"/\"}");

        File.GetUnixFileMode(Path.GetDirectoryName(listener.SocketPath)!).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.GetUnixFileMode(listener.SocketPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        reply.Should().Be("{\"stdout\":\"status --user rose\"}\n{\"exit\":7}\n");
    }

    [Fact]
    public async Task A_request_that_is_not_json_is_answered_with_a_field_rule_line()
    {
        await using var listener = ServeListener.Start(_data.Path, PeerCheck.ForThisUser(), (_, _, _) => Task.FromResult(0));

        var reply = await ReplyAsync(listener.SocketPath, "{\"cwd\":\"/\"}");

        reply.Should().Be("{\"stderr\":\"nixh: request: args: must be a JSON array\\n\"}\n{\"exit\":2}\n");
    }
}
