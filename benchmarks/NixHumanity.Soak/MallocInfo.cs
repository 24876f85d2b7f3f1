using System.Runtime.InteropServices;

namespace NixHumanity.Soak;

/// <summary>
/// glibc's own account of its heap (<c>mallinfo2</c>, all arenas summed): what native code allocated through
/// <c>malloc</c> and still uses, and what its arenas hold free but have not returned to the system. DuckDB's buffer
/// manager allocates through its own allocator, so this is SQLite, DuckDB's catalogs and the runtime's native parts.
/// </summary>
internal static partial class MallocInfo
{
    /// <summary>Bytes in use (arena chunks and mmapped blocks) and bytes free inside the arenas; (-1, -1) where
    /// <c>mallinfo2</c> is not available (not glibc ≥ 2.33).</summary>
    public static (long InUse, long Free) Read()
    {
        try
        {
            var info = NativeMallInfo2();
            return ((long)(info.Uordblks + info.Hblkhd), (long)info.Fordblks);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return (-1, -1);
        }
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 NativeMallInfo2();

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena;
        public nuint Ordblks;
        public nuint Smblks;
        public nuint Hblks;
        public nuint Hblkhd;
        public nuint Usmblks;
        public nuint Fsmblks;
        public nuint Uordblks;
        public nuint Fordblks;
        public nuint Keepcost;
    }
}
