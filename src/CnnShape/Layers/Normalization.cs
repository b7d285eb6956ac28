using CnnShape.Internal;
using CnnShape.Shapes;

namespace CnnShape.Layers;

/// <summary>
/// The normalisations (<c>BatchNorm/InstanceNorm 1d/2d/3d</c>, <c>GroupNorm</c>, <c>LayerNorm</c>, <c>LocalResponseNorm</c>):
/// they keep the shape but check rank and channels, and — since a freshly built PyTorch module is in training mode —
/// refuse inputs with a single value per channel where PyTorch's training-mode statistics do.
/// </summary>
public sealed class Normalization : Layer
{
    private readonly Action<Shape, bool> _check;

    private Normalization(string type, long parameters, Action<Shape, bool> check) : base(type)
    {
        Params = parameters;
        _check = check;
    }

    /// <inheritdoc/>
    public override long Params { get; }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        _check(input, true);
        return new LayerResult(input, Params, 0, []);
    }

    /// <inheritdoc/>
    public override LayerResult ApplyInEval(Shape input)
    {
        _check(input, false);
        return new LayerResult(input, Params, 0, []);
    }

    /// <summary>BatchNormNd: rank 2/3 (1d), 4 (2d), 5 (3d); channels at dim 1 must equal num_features when there are weights or running stats.</summary>
    internal static Normalization Batch(int spatial, long features, bool affine, bool trackRunningStats)
    {
        string type = $"BatchNorm{spatial}d";
        return new Normalization(type, affine ? Checked.Mul(2, features, "the parameter count") : 0, (input, training) =>
        {
            bool rankOk = spatial == 1 ? input.Rank is 2 or 3 : input.Rank == spatial + 2;
            if (!rankOk) throw new CnnShapeException($"{type}: expected {(spatial == 1 ? "2D or 3D" : $"{spatial + 2}D")} input (got {input.Rank}D input {input}).");
            // F.batch_norm in training mode: more than one value per channel (N · Πspatial > 1).
            long values = input[0];
            for (int i = 2; i < input.Rank; i++) values = Checked.Mul(values, input[i], "the values per channel");
            // (model.eval() uses the running statistics and has no such limit — unless it keeps none, when nn.BatchNorm
            // still normalizes with the batch's statistics)
            if ((training || !trackRunningStats) && values == 1) throw new CnnShapeException($"{type}: expected more than 1 value per channel when training (PyTorch's default mode; in evaluation mode, after model.eval(), BatchNorm uses its running statistics instead), got input {input}.");
            // an empty input returns before the feature checks (_batch_norm_impl_index, current PyTorch too)
            if ((affine || trackRunningStats) && input[1] != features && input.Numel() != 0)
            {
                throw new CnnShapeException($"{type}: running_mean should contain {input[1]} elements not {features}: the input has {input[1]} channels (dim 1 of {input}) but num_features is {features}.",
                    mismatch: new Mismatch("num_features", features, input[1], 1));
            }
        });
    }

    /// <summary>InstanceNormNd: rank n+1 (unbatched) or n+2; more than one spatial element in training mode.</summary>
    internal static Normalization Instance(int spatial, long features, bool affine, bool trackRunningStats)
    {
        string type = $"InstanceNorm{spatial}d";
        return new Normalization(type, affine ? Checked.Mul(2, features, "the parameter count") : 0, (input, training) =>
        {
            if (input.Rank != spatial + 1 && input.Rank != spatial + 2)
            {
                throw new CnnShapeException($"{type}: expected {spatial + 1}D or {spatial + 2}D input (got {input.Rank}D input {input}).");
            }
            int channelAxis = input.Rank - spatial - 1;
            if (affine && input[channelAxis] != features)
            {
                throw new CnnShapeException($"{type}: expected the input's size at dim={channelAxis} to match num_features ({features}), but got {input[channelAxis]}.",
                    mismatch: new Mismatch("num_features", features, input[channelAxis], channelAxis));
            }
            long spatialElements = 1;
            for (int i = channelAxis + 1; i < input.Rank; i++) spatialElements = Checked.Mul(spatialElements, input[i], "the spatial elements");
            // F.instance_norm uses the input's statistics in training, or always without running statistics.
            if ((training || !trackRunningStats) && spatialElements == 1) throw new CnnShapeException($"{type}: expected more than 1 spatial element when using input statistics (training, or no running statistics), got input {input}.");
            if (input.Numel() == 0)
            {
                // at::instance_norm repeats the weight once per sample and batch_norm's empty path scales by weight[0]
                // (Normalization.cpp, current PyTorch too): an empty batch or no channels leave no weight[0] to take.
                long batch = input.Rank == spatial + 2 ? input[0] : 1;
                if (affine && Checked.Mul(batch, features, "the weight size") == 0) throw new CnnShapeException($"{type}: with affine=True an empty batch or no channels cannot run: PyTorch repeats the weight once per sample and indexes weight[0] of the empty result (IndexError), got input {input}.");
                // it then views the repeated running statistics as [batch, channels] and copies their mean over the batch
                // back into num_features values: a view that fits only when the channels match (or the batch is empty), and
                // a copy that broadcasts only from as many channels, or from one
                long channels = input[channelAxis];
                if (trackRunningStats && channels != features && !(batch == 0 && channels == 1))
                {
                    throw new CnnShapeException($"{type}: the input has {channels} channels but the running statistics hold {features}.",
                        mismatch: new Mismatch("num_features", features, channels, channelAxis));
                }
                return;
            }
            if (trackRunningStats && input[channelAxis] != features)
            {
                throw new CnnShapeException($"{type}: the input has {input[channelAxis]} channels but the running statistics hold {features}.",
                    mismatch: new Mismatch("num_features", features, input[channelAxis], channelAxis));
            }
        });
    }

    /// <summary>GroupNorm(num_groups, num_channels): channels (dim 1) divisible by the groups and equal to num_channels when affine.</summary>
    internal static Normalization Group(long groups, long channels, bool affine)
    {
        if (groups == 0) throw new CnnShapeException("GroupNorm: num_groups cannot be 0 (num_channels must be divisible by num_groups).");
        if (Checked.PyMod(channels, groups) != 0) throw new CnnShapeException($"GroupNorm: num_channels ({channels}) must be divisible by num_groups ({groups}).");
        if (channels < 0) throw new CnnShapeException($"GroupNorm: num_channels cannot be negative ({channels}).");
        return new Normalization("GroupNorm", affine ? Checked.Mul(2, channels, "the parameter count") : 0, (input, _) =>
        {
            // native_group_norm checks the groups when it runs (the constructor's divisibility test lets a negative one by)
            if (groups < 0) throw new CnnShapeException($"GroupNorm: expected num_groups to be greater than 0, got {groups}.");
            if (input.Rank < 2) throw new CnnShapeException($"GroupNorm: expected at least 2 dimensions for the input, but got {input.Rank} ({input}).");
            // F.group_norm's training-mode check: (N·C/groups) · Πspatial values per group must exceed 1.
            long values = Checked.Mul(input[0], input[1], "the values per group") / groups;
            for (int i = 2; i < input.Rank; i++) values = Checked.Mul(values, input[i], "the values per group");
            if (values == 1) throw new CnnShapeException($"GroupNorm: expected more than 1 value per channel when training, got input {input}.");
            if (input[1] % groups != 0) throw new CnnShapeException($"GroupNorm: the input's channels ({input[1]}, of {input}) must be divisible by num_groups ({groups}).");
            if (affine && input[1] != channels) throw new CnnShapeException($"GroupNorm: the input has {input[1]} channels but num_channels is {channels}.", mismatch: new Mismatch("num_channels", channels, input[1], 1));
        });
    }

    /// <summary>LayerNorm(normalized_shape): the input must end with exactly normalized_shape.</summary>
    internal static Normalization Layer(long[] normalized, bool affine, bool bias)
    {
        if (normalized.Any(d => d < 0)) throw new CnnShapeException($"LayerNorm: normalized_shape cannot hold negative sizes ({string.Join(", ", normalized)}).");
        long count = 1;
        foreach (var d in normalized) count = Checked.Mul(count, d, "the normalized size");
        long parameters = affine ? Checked.Mul(count, bias ? 2 : 1, "the parameter count") : 0;
        return new Normalization("LayerNorm", parameters, (input, _) =>
        {
            if (normalized.Length == 0) throw new CnnShapeException("LayerNorm: normalized_shape must contain at least one element.");
            bool ok = input.Rank >= normalized.Length;
            for (int i = 0; ok && i < normalized.Length; i++) ok = input[input.Rank - normalized.Length + i] == normalized[i];
            if (!ok) throw new CnnShapeException($"LayerNorm: given normalized_shape=[{string.Join(", ", normalized)}], expected an input with shape [*, {string.Join(", ", normalized)}], but got {input}.");
        });
    }

    /// <summary>LocalResponseNorm(size): at least 3-D input, size ≥ 1 (its average pool needs a positive kernel).</summary>
    internal static Normalization LocalResponse(long size) => new("LocalResponseNorm", 0, (input, _) =>
    {
        if (input.Rank < 3) throw new CnnShapeException($"LocalResponseNorm: expected a 3-D or higher input (got {input.Rank} dimensions: {input}).");
        if (input.Numel() == 0) return;
        if (size <= 0) throw new CnnShapeException($"LocalResponseNorm: size must be at least 1 (it is the kernel of an average pool over channels), got {size}.");
    });
}
