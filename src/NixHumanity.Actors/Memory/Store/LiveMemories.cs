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

    /// <summary>
    /// Loads the <paramref name="count"/> live rows that <paramref name="read"/> delivers in any order (each row goes
    /// to its ordinal); the ordinals must be exactly 0..count-1. Only for an empty view.
    /// </summary>
    /// <exception cref="InvalidDataException">The ordinals in <paramref name="path"/> are not dense or repeat.</exception>
    public void Load(int count, Action<MemoryTable.RowReader> read, string path)
    {
        if (_entries.Count != 0)
        {
            throw new InvalidOperationException("rows are loaded into an empty view only");
        }

        var entries = new MemoryEntry?[count];
        Matrix.Resize(count);
        read((entry, vector) =>
        {
            if (entry.Ord < 0 || entry.Ord >= count || entries[entry.Ord] is not null)
            {
                throw new InvalidDataException($"{path}: memory ordinals are not dense (ordinal {entry.Ord} of {count} live rows); delete the file to rebuild it");
            }

            entries[entry.Ord] = entry;
            Matrix.Set(entry.Ord, vector, entry.SuccessRate);
        });

        foreach (var entry in entries)
        {
            // Counted and read in one transaction-free sequence by the single owner, so a missing ordinal means a
            // damaged file, not a concurrent writer.
            if (entry is null)
            {
                Matrix.Clear();
                throw new InvalidDataException($"{path}: memory ordinals are not dense ({count} live rows without ordinal {Array.IndexOf(entries, null)}); delete the file to rebuild it");
            }

            _entries.Add(entry);
            _ordById[entry.Id] = entry.Ord;
        }
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
