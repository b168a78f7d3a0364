using WeightInit.Checkpoints;
using WeightInit.Initializers;
using WeightInit.IO;
using WeightInit.Shapes;

namespace WeightInit.Onnx;

/// <summary>The decision for one initializer of an ONNX model (or one part of a split initializer): what it is, its fans and its law, or why it is kept.</summary>
/// <param name="Name">The tensor's name in the written model (an alias's name when the initializer was split).</param>
/// <param name="Source">The initializer of the input model it comes from (equal to <paramref name="Name"/> unless split).</param>
/// <param name="Dimensions">Its ONNX dims.</param>
/// <param name="DType">Its element type when it is a float type WeightInit fills, else null.</param>
/// <param name="Role">The role its consumer gives it, or null when kept.</param>
/// <param name="Detail">What it is, in words ("Conv weight", "BatchNormalization running_var", …).</param>
/// <param name="Consumer">The consuming op and input ("Conv 'node_name' input 1"), or "(none)".</param>
/// <param name="Shape">The shape the initializer fills with, its layout and groups stated (null when kept); its dims may be a
/// reshaped view of <paramref name="Dimensions"/> (recurrent W and R: [directions·gates·H, I] with one group per gate and direction).</param>
/// <param name="Fans">The exact fans from the consumer (a bias: its weight's fans), or null.</param>
/// <param name="Initializer">The initializer spec, or null when the bytes are kept.</param>
/// <param name="Reason">Why: the rule that chose the law, or why the tensor is kept.</param>
public sealed record OnnxTensorPlan(string Name, string Source, IReadOnlyList<long> Dimensions, TensorDType? DType, TensorRole? Role,
    string Detail, string Consumer, WeightShape? Shape, Fans? Fans, string? Initializer, string Reason)
{
    /// <summary>True when the tensor's bytes are rewritten.</summary>
    public bool IsRewritten => Initializer is not null;
}

/// <summary>A plan for an ONNX model: a decision per initializer, and the graph edits that split aliased initializers.</summary>
public sealed class OnnxPlan
{
    internal OnnxPlan(OnnxModel model, IReadOnlyList<OnnxTensorPlan> tensors, IReadOnlyList<int> removedIdentityNodes, OnnxPlanOptions options)
    {
        Model = model;
        Options = options;
        Tensors = tensors;
        RemovedIdentityNodes = removedIdentityNodes;
    }

    /// <summary>The options it was planned with (to plan the model again with more rules).</summary>
    public OnnxPlanOptions Options { get; }

    /// <summary>The model planned.</summary>
    public OnnxModel Model { get; }

    /// <summary>One entry per initializer of the written model, in the input's initializer order (split parts right after their source).</summary>
    public IReadOnlyList<OnnxTensorPlan> Tensors { get; }

    /// <summary>Graph positions of the Identity nodes whose output became an initializer of its own (see <see cref="OnnxPlanner"/>).</summary>
    public IReadOnlyList<int> RemovedIdentityNodes { get; }

    /// <summary>The rewritten tensors as checkpoint declarations (fill shape, layout, groups, role, type and spec stated), for <see cref="CheckpointPlan.Create"/>.</summary>
    public IReadOnlyList<TensorDeclaration> Declarations() =>
        Tensors.Where(t => t.IsRewritten)
            .Select(t => new TensorDeclaration(t.Name, t.Shape!.Dimensions, t.DType, t.Role, t.Shape.Layout, t.Shape.Groups, t.Initializer))
            .ToList();

    /// <summary>The checkpoint plan of the rewritten tensors (by default Philox, one key per tensor name, each in its ONNX type).</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="generator">The generator.</param>
    /// <param name="dtypeOverride">When set, every tensor gets this type (for checkpoint files; an ONNX model keeps its types).</param>
    /// <exception cref="ArgumentException">An initializer spec cannot be used for its tensor; the message names it. Also when nothing is rewritten.</exception>
    public CheckpointPlan ToCheckpointPlan(ulong seed, CheckpointGenerator generator = CheckpointGenerator.Philox, TensorDType? dtypeOverride = null)
    {
        var declarations = Declarations();
        if (declarations.Count == 0)
            throw new ArgumentException($"No initializer of '{Model.Path}' is consumed by an op WeightInit can place (see --plan); nothing to initialize.");
        return CheckpointPlan.Create(declarations, InitPolicy.Default, seed, generator: generator, dtypeOverride: dtypeOverride);
    }
}
