namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// A bounded, least-recently-used cache of query embeddings shared by every memory of a process: a query asked again
/// (by the same person or another) does not run the model again. Keyed by the embedder's <see cref="IEmbedder.Id"/>
/// and the text with its whitespace normalised (trimmed, runs collapsed to one space), because every built-in
/// embedder splits on whitespace first, so those texts embed identically. Case is kept: an embedder may be cased.
/// </summary>
/// <remarks>Thread-safe (one lock; a hit costs a dictionary lookup and a 1.5 KB copy, a miss the model call outside the lock).</remarks>
internal sealed class QueryEmbeddingCache
{
    /// <summary>Entries kept by default (about 1.6 MB of 384-component vectors).</summary>
    public const int DefaultCapacity = 1024;

    private readonly int _capacity;
    private readonly Dictionary<(string EmbedderId, string Text), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private readonly Lock _lock = new();

    /// <summary>Creates an empty cache.</summary>
    /// <param name="capacity">The most entries kept; the least recently used one is dropped beyond it.</param>
    public QueryEmbeddingCache(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    /// <summary>The number of cached embeddings.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The embedding of <paramref name="text"/> by <paramref name="embedder"/>, from the cache or from one model call.</summary>
    /// <param name="embedder">The embedder (its id is part of the key).</param>
    /// <param name="text">The query.</param>
    /// <returns>A new array the caller may keep or change.</returns>
    public float[] GetOrEmbed(IEmbedder embedder, string text)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(text);
        if (TryGet(embedder, text, out var cached))
        {
            return cached;
        }

        // The model runs outside the lock: two threads missing the same text both embed it (same vector), which is
        // cheaper than making every other query wait behind one model call.
        var vector = embedder.Embed(NormalizeWhitespace(text));
        Add(embedder, text, vector);
        return vector;
    }

    /// <summary>The cached embedding of <paramref name="text"/> by <paramref name="embedder"/>, without calling it.</summary>
    /// <param name="embedder">The embedder (its id is part of the key).</param>
    /// <param name="text">The query.</param>
    /// <param name="vector">A new array the caller may keep or change, when found.</param>
    public bool TryGet(IEmbedder embedder, string text, out float[] vector)
    {
        var key = (embedder.Id, NormalizeWhitespace(text));
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                vector = (float[])node.Value.Vector.Clone();
                return true;
            }
        }

        vector = [];
        return false;
    }

    /// <summary>
    /// Keeps <paramref name="vector"/> as the embedding of <paramref name="text"/> by <paramref name="embedder"/> (an
    /// asynchronous embedder's answer; the text embeds as its whitespace-normalised form, <see cref="NormalizeWhitespace"/>).
    /// </summary>
    /// <param name="embedder">The embedder.</param>
    /// <param name="text">The query.</param>
    /// <param name="vector">Its embedding (copied).</param>
    public void Add(IEmbedder embedder, string text, float[] vector)
    {
        var key = (embedder.Id, NormalizeWhitespace(text));
        lock (_lock)
        {
            if (!_entries.ContainsKey(key))
            {
                _entries[key] = _recency.AddFirst(new Entry(key, (float[])vector.Clone()));
                if (_entries.Count > _capacity)
                {
                    _entries.Remove(_recency.Last!.Value.Key);
                    _recency.RemoveLast();
                }
            }
        }
    }

    /// <summary>Trims <paramref name="text"/> and collapses every run of whitespace to one space.</summary>
    internal static string NormalizeWhitespace(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 1 ? words[0] : string.Join(' ', words);
    }

    private sealed record Entry((string EmbedderId, string Text) Key, float[] Vector);
}
