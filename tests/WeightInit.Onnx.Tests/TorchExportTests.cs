using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using WeightInit.Checkpoints;
using WeightInit.Tests.Oracles;

namespace WeightInit.Onnx.Tests;

/// <summary>Models exported by torch 1.13: planned roles and fans against the modules', and the rewritten model judged by onnx 1.12,
/// SciPy and ONNX Runtime.</summary>
public sealed class TorchExportTests
{
    private const ulong Seed = 20261207;

    /// <summary>The per-tensor false-alarm level of the Kolmogorov–Smirnov tests: about 400 tensors are tested in all, so a
    /// correct law fails one by chance with probability below 400·1e-6 = 4e-4 (and the seed is fixed, so never flakily).</summary>
    private const double KsLevel = 1e-6;

    /// <summary>Moment checks allow this many standard errors (a two-sided normal tail of about 2e-9).</summary>
    private const double StandardErrors = 6;

    public static TheoryData<string> Models => new(TorchExports.Names);

    public static TheoryData<string, bool> ModelsAndPresets()
    {
        var data = new TheoryData<string, bool>();
        foreach (string name in TorchExports.Names)
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        return data;
    }

    private static OnnxPlanOptions Options(bool pytorch) =>
        pytorch ? new OnnxPlanOptions { Policy = CheckpointPresets.PyTorchDefault, PyTorchModules = true } : new OnnxPlanOptions();

    private static Expect ExpectationOf(string model, OnnxPlan plan, OnnxTensorPlan t)
    {
        string shape = string.Join(",", t.Dimensions);
        int occurrence = plan.Tensors.TakeWhile(x => !ReferenceEquals(x, t)).Count(x => x.Name.StartsWith("onnx::", StringComparison.Ordinal) && string.Join(",", x.Dimensions) == shape);
        var matches = Expect.For(model).Where(e => e.Matches(t.Name, t.Dimensions, occurrence)).ToList();
        Assert.True(matches.Count == 1, $"{model}: initializer '{t.Name}' [{string.Join(", ", t.Dimensions)}] matches {matches.Count} expectations.");
        return matches[0];
    }

    [OracleTheory(Oracle.Torch, Oracle.Onnx)]
    [MemberData(nameof(Models))]
    public void Plan_TorchExport_RolesAndExactFansAreThoseOfTheModules(string model)
    {
        var plan = OnnxPlanner.Plan(OnnxModel.Load(TorchExports.PathOf(model)));
        Assert.NotEmpty(plan.Tensors);
        foreach (var t in plan.Tensors)
        {
            var e = ExpectationOf(model, plan, t);
            Assert.True(t.IsRewritten, $"{model}: '{t.Name}' kept: {t.Reason}");
            Assert.Equal(e.Role, t.Role);
            if (e.FanIn >= 0)
            {
                Assert.NotNull(t.Fans);
                Assert.Equal((e.FanIn, e.FanOut), ((long)t.Fans.Value.FanIn, (long)t.Fans.Value.FanOut));
            }
        }
        // Every float initializer of the file is planned (none dropped), and no alias is split under the default policy.
        var model0 = OnnxModel.Load(TorchExports.PathOf(model));
        Assert.Equal(model0.Initializers.Select(i => i.Name), plan.Tensors.Select(t => t.Name));
    }

    [OracleTheory(Oracle.Torch, Oracle.Onnx, Oracle.Scipy)]
    [MemberData(nameof(ModelsAndPresets))]
    public void Rewrite_TorchExport_OnlyInitializerBytesChangeAndEachHasItsLaw(string model, bool pytorch)
    {
        string dir = TorchExports.Scratch();
        string output = Path.Combine(dir, model + ".onnx");
        var plan = OnnxPlanner.Plan(OnnxModel.Load(TorchExports.PathOf(model)), Options(pytorch));
        var split = plan.Tensors.Where(t => t.Name != t.Source).Select(t => t.Name).ToList();
        Assert.Equal(Expect.Splits(model, pytorch).Order(), split.Order());
        OnnxWriter.Write(plan, plan.ToCheckpointPlan(Seed), output);

        var laws = plan.Tensors.ToDictionary(t => t.Name, t => pytorch ? ExpectationOf(model, plan, t).PyTorchLaw() : ExpectationOf(model, plan, t).DefaultLaw());
        var report = TorchExports.CheckRewrite(TorchExports.PathOf(model), output, split, laws);
        Assert.Equal("ok", report.GetProperty("checker").GetString());
        Assert.Empty(report.GetProperty("structure").EnumerateArray().Select(d => d.GetString()));
        var tensors = report.GetProperty("tensors");
        foreach (var (name, law) in laws)
        {
            var r = tensors.GetProperty(name);
            Assert.True(r.GetProperty("finite").GetBoolean(), $"{model}: '{name}' has a non-finite value");
            switch (law.Kind)
            {
                case "constant":
                    Assert.True(r.GetProperty("all_equal").GetBoolean(), $"{model}: '{name}' is not all {law.A}");
                    break;
                case "uniform":
                    Assert.InRange(r.GetProperty("min").GetDouble(), law.A, law.B);
                    Assert.InRange(r.GetProperty("max").GetDouble(), law.A, law.B);
                    goto default;
                default:
                    // Mean and second moment about the centre: Var(mean) = σ²/n, Var(m₂) = (μ₄ − σ⁴)/n with μ₄ = 3σ⁴ (normal), 9σ⁴/5 (uniform).
                    int n = r.GetProperty("n").GetInt32();
                    double variance = law.Kind == "uniform" ? (law.B - law.A) * (law.B - law.A) / 12 : law.B * law.B;
                    double excess = law.Kind == "uniform" ? 0.8 : 2;
                    Assert.True(Math.Abs(r.GetProperty("mean").GetDouble() - (law.Kind == "uniform" ? (law.A + law.B) / 2 : law.A)) <= StandardErrors * Math.Sqrt(variance / n),
                        $"{model}: '{name}' mean {r.GetProperty("mean").GetDouble()} is not that of {law}");
                    double ratio = r.GetProperty("second_moment").GetDouble() / variance;
                    Assert.True(Math.Abs(ratio - 1) <= StandardErrors * Math.Sqrt(excess / n), $"{model}: '{name}' ({n} values) variance ratio {ratio} to {law}");
                    double p = r.GetProperty("ks_pvalue").GetDouble();
                    Assert.True(p > KsLevel, $"{model}: '{name}' ({r.GetProperty("n").GetInt32()} values) does not follow {law}: KS p = {p}");
                    break;
            }
        }
    }

    [OracleTheory(Oracle.Torch, Oracle.Onnx)]
    [MemberData(nameof(ModelsAndPresets))]
    public void Rewrite_TorchExport_OnnxRuntimeRunsIt(string model, bool pytorch)
    {
        string output = Path.Combine(TorchExports.Scratch(), model + ".onnx");
        var plan = OnnxPlanner.Plan(OnnxModel.Load(TorchExports.PathOf(model)), Options(pytorch));
        OnnxWriter.Write(plan, plan.ToCheckpointPlan(Seed), output);
        using var session = new InferenceSession(output);
        var random = new System.Random(1);
        var inputs = new List<NamedOnnxValue>();
        foreach (var (name, meta) in session.InputMetadata)
        {
            int[] dims = meta.Dimensions.Select(d => d > 0 ? d : 1).ToArray();
            int count = dims.Aggregate(1, (a, d) => a * d);
            if (meta.ElementType == typeof(long))
                inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(Enumerable.Range(0, count).Select(_ => (long)random.Next(50)).ToArray(), dims)));
            else
                inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), dims)));
        }
        using var results = session.Run(inputs);
        foreach (var r in results)
        {
            var values = r.AsTensor<float>().ToArray();
            Assert.NotEmpty(values);
            Assert.All(values, v => Assert.True(float.IsFinite(v), $"{model}: output '{r.Name}' holds {v}"));
        }
    }
}
