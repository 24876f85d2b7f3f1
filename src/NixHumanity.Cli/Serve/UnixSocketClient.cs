using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace NixHumanity.Cli.Serve;

/// <summary>
/// The forwarding client's connection to the owner's Unix domain socket, opened with libc's <c>socket(2)</c> and
/// <c>connect(2)</c> and read and written as a plain file descriptor. <c>System.Net.Sockets</c> would do the same, but
/// for one blocking connection it also starts its epoll engine and thread, the sockets telemetry event source and the
/// connect activity source: about a quarter of the client process's CPU time (docs/benchmarks.md, "The forwarding
/// client without System.Net.Sockets and System.Text.Json"; ADR 0046).
/// </summary>
internal static class UnixSocketClient
{
    private const int AfUnix = 1;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;

    // struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }
    private const int FamilySize = sizeof(ushort);
    private const int PathCapacity = 108;

    /// <summary>
    /// The connection to the socket at <paramref name="path"/>, or <c>null</c> when it cannot be opened: nobody listens
    /// (a socket left by an owner that was killed), it is not ours, or the path is too long for a socket address.
    /// </summary>
    public static FileStream? TryConnect(string path)
    {
        var pathLength = Encoding.UTF8.GetByteCount(path);
        if (pathLength >= PathCapacity)
        {
            return null;
        }

        var address = new byte[FamilySize + PathCapacity];
        MemoryMarshal.Write(address, (ushort)AfUnix);
        Encoding.UTF8.GetBytes(path, 0, path.Length, address, FamilySize);
        var descriptor = Socket(AfUnix, SockStream | SockCloexec, 0);
        if (descriptor < 0)
        {
            return null;
        }

        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        if (Connect(descriptor, address, FamilySize + pathLength + 1) != 0)
        {
            handle.Dispose();
            return null;
        }

        // Unbuffered: the request is written in one call, and the replies are read through a StreamReader.
        return new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
    }

    [DllImport("libc", EntryPoint = "socket")]
    private static extern int Socket(int domain, int type, int protocol);

    [DllImport("libc", EntryPoint = "connect")]
    private static extern int Connect(int descriptor, byte[] address, int addressLength);
}
