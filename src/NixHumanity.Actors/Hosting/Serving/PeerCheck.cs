using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NixHumanity.Actors.Hosting.Serving;

/// <summary>
/// Who may talk to the owner: a peer running as the owner's own user, read with <c>SO_PEERCRED</c> from the connected
/// socket before any byte of the request is read. The peer's uid is a seam so a refused connection can be specified
/// without a second user account.
/// </summary>
internal sealed class PeerCheck(uint ownerUid, Func<Socket, uint?> peerUid)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>The check of the serving process: the peer must run as this process's effective user.</summary>
    public static PeerCheck ForThisUser() => new(EffectiveUid(), ReadPeerUid);

    /// <summary>Null when the peer may send a request; else why not.</summary>
    public string? Refusal(Socket peer) => peerUid(peer) switch
    {
        null => "the peer's credentials cannot be read",
        var uid when uid == ownerUid => null,
        var uid => $"user {uid} may not use the data directory of user {ownerUid}",
    };

    /// <summary>The uid in the peer's <c>struct ucred { pid_t pid; uid_t uid; gid_t gid; }</c>.</summary>
    private static uint? ReadPeerUid(Socket peer)
    {
        Span<byte> credentials = stackalloc byte[12];
        try
        {
            return peer.GetRawSocketOption(SolSocket, SoPeerCred, credentials) >= 8
                ? MemoryMarshal.Read<uint>(credentials[4..8])
                : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>The effective uid, the second number of the <c>Uid:</c> line of <c>/proc/self/status</c>.</summary>
    private static uint EffectiveUid()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        return uint.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
    }
}
