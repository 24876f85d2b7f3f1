using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// Reads a manifest resource out of a .NET assembly file without loading the assembly: the file is opened with
/// <see cref="PEReader"/>, the resource found by name in the metadata and its bytes copied from the image's resource
/// section. No code of the assembly runs and none of its dependencies is needed (see docs/adr/0008).
/// </summary>
internal static class ManifestResourceFile
{
    /// <summary>The bytes of the resource <paramref name="resourceName"/> embedded in the assembly at <paramref name="assemblyPath"/>.</summary>
    /// <param name="assemblyPath">The assembly file.</param>
    /// <param name="resourceName">The resource's manifest name (case-sensitive).</param>
    /// <returns>A new array with the resource's bytes.</returns>
    /// <exception cref="FileNotFoundException">The assembly file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a .NET assembly, or it has no such embedded resource.</exception>
    public static byte[] Read(string assemblyPath, string resourceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(assemblyPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceName);
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException($"Assembly '{assemblyPath}' does not exist.", assemblyPath);
        }

        ModelFiles.CheckModelFile(assemblyPath, ModelFiles.MaxPackageBytes);
        using var stream = File.OpenRead(assemblyPath);
        try
        {
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata || pe.PEHeaders.CorHeader is not { } cor)
            {
                throw new InvalidDataException($"'{assemblyPath}' is not a .NET assembly.");
            }

            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.ManifestResources)
            {
                var resource = metadata.GetManifestResource(handle);
                if (!metadata.StringComparer.Equals(resource.Name, resourceName))
                {
                    continue;
                }

                // A nil implementation means the bytes are in this file; anything else points to another file.
                if (!resource.Implementation.IsNil)
                {
                    throw new InvalidDataException($"Resource '{resourceName}' of '{assemblyPath}' is not embedded in the file.");
                }

                // Embedded resources: a 4-byte little-endian length, then the bytes, at Offset in the resource block.
                var block = pe.GetSectionData(cor.ResourcesDirectory.RelativeVirtualAddress + checked((int)resource.Offset));
                var reader = block.GetReader();
                var length = reader.ReadInt32();
                if (length < 0 || length > reader.RemainingBytes)
                {
                    throw new InvalidDataException($"Resource '{resourceName}' of '{assemblyPath}' has a bad length {length}.");
                }

                return reader.ReadBytes(length);
            }
        }
        catch (BadImageFormatException ex)
        {
            throw new InvalidDataException($"'{assemblyPath}' is not a readable .NET assembly: {ex.Message}", ex);
        }

        throw new InvalidDataException($"Assembly '{assemblyPath}' has no embedded resource '{resourceName}'.");
    }
}
