namespace CnnShape.Layers;

/// <summary>
/// Built layers by their text. Layers are immutable, so a network that repeats a line, or a batch that repeats a layer,
/// builds it once; a text PyTorch refuses to build is remembered with its refusal, answered without building again.
/// </summary>
public sealed class LayerCache(int capacity = 100_000)
{
    private readonly Dictionary<string, object> _built = new(StringComparer.Ordinal);

    [ThreadStatic]
    private static LayerCache? _perThread;

    /// <summary>A cache for the current thread (the readers share it across files).</summary>
    public static LayerCache ForThread => _perThread ??= new LayerCache();

    /// <summary>The built layer, or the refusal it gets, from the cache when seen before.</summary>
    public bool TryBuild(ReadOnlySpan<char> text, out Layer? layer, out CnnShapeException? refusal)
    {
        var lookup = _built.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(text, out var entry))
        {
            string key = new(text);
            try { entry = LayerEngine.Build(key); }
            catch (CnnShapeException e) { entry = e; }
            if (_built.Count >= capacity) _built.Clear();
            _built[key] = entry;
        }
        layer = entry as Layer;
        refusal = entry as CnnShapeException;
        return layer is not null;
    }

    /// <summary>The built layer; a refusal is thrown.</summary>
    public Layer Build(string text) => TryBuild(text, out var layer, out var refusal) ? layer! : throw refusal!;
}
