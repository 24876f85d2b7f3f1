namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// The live version in memory: one <see cref="MemoryEntry"/> per memory, indexed by its dense ordinal and its id,
/// the exact <see cref="VectorMatrix"/> whose row <c>ord</c> holds that memory's normalised vector, and the
/// <see cref="LexicalChannels"/> over the same rows (built on the first text search, then kept up to date).
/// </summary>
internal sealed class LiveMemories(VectorMatrix matrix)
{
    private readonly List<MemoryEntry> _entries = [];
    private readonly Dictionary<string, int> _ordById = new(StringComparer.Ordinal);
    private LexicalChannels? _lexical;

    /// <summary>The vectors, row = ordinal.</summary>
    public VectorMatrix Matrix { get; } = matrix;

    /// <summary>
    /// The lexical channels of the live rows. Built from the rows on first use, so opening the store, recording and
    /// vector-only searches never pay for it; afterwards every applied row replaces its document's postings.
    /// </summary>
    public LexicalChannels Lexical
    {
        get
        {
            if (_lexical is null)
            {
                _lexical = new LexicalChannels();
                foreach (var entry in _entries)
                {
                    _lexical.Set(entry.Ord, null, entry);
                }
            }

            return _lexical;
        }
    }

    /// <summary>Live memories.</summary>
    public int Count => _entries.Count;

    /// <summary>Every live memory in ordinal order.</summary>
    public IReadOnlyList<MemoryEntry> Entries => _entries;

    /// <summary>The memory with ordinal <paramref name="ord"/>.</summary>
    public MemoryEntry this[int ord] => _entries[ord];

    /// <summary>The ordinal of memory <paramref name="id"/>, if it is live.</summary>
    public bool TryGetOrd(string id, out int ord) => _ordById.TryGetValue(id, out ord);

    /// <summary>Adds a row read from the file; rows must arrive in ordinal order without gaps.</summary>
    /// <exception cref="InvalidDataException">The ordinals in <paramref name="path"/> are not dense.</exception>
    public void Load(MemoryEntry entry, float[] vector, string path)
    {
        if (entry.Ord != _entries.Count)
        {
            throw new InvalidDataException($"{path}: memory ordinals are not dense (found {entry.Ord} at position {_entries.Count}); delete the file to rebuild it");
        }

        _entries.Add(entry);
        _ordById[entry.Id] = entry.Ord;
        Matrix.Set(entry.Ord, vector, entry.SuccessRate);
        _lexical?.Set(entry.Ord, null, entry);
    }

    /// <summary>Applies committed rows (new ones in ordinal order); returns the ordinals that changed.</summary>
    public List<int> Apply(IEnumerable<(MemoryEntry Entry, float[] Vector, bool IsNew)> rows)
    {
        var changed = new List<int>();
        foreach (var (entry, vector, isNew) in rows)
        {
            if (isNew)
            {
                _entries.Add(entry);
                _ordById[entry.Id] = entry.Ord;
                _lexical?.Set(entry.Ord, null, entry);
            }
            else
            {
                // A re-recorded memory's new phrasing replaces its old one's postings.
                _lexical?.Set(entry.Ord, _entries[entry.Ord], entry);
                _entries[entry.Ord] = entry;
            }

            Matrix.Set(entry.Ord, vector, entry.SuccessRate);
            changed.Add(entry.Ord);
        }

        return changed;
    }

    /// <summary>Forgets every memory.</summary>
    public void Clear()
    {
        _entries.Clear();
        _ordById.Clear();
        Matrix.Clear();
        _lexical = null;
    }
}
