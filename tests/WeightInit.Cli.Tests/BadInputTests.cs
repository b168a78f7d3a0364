namespace WeightInit.Cli.Tests;

/// <summary>Bad input over every command but init/verify (their cases are in the checkpoint tests): names, spec syntax,
/// numbers, shapes, layouts, groups, paths and sizes, each refused by one line naming the problem (<see cref="BadInput"/>).</summary>
public class BadInputTests
{
    private const string S = BadInput.Scratch;
    private const string Big = "2147483647";

    /// <summary>(arguments, text the one error line must contain).</summary>
    public static TheoryData<string[], string> Cases => new()
    {
        // Commands and options.
        { ["smaple"], "'smaple'" },
        { ["smaple"], "Did you mean 'sample'" },
        { ["fna", "--shape", "4,4"], "Did you mean 'fan'" },
        { ["analyse"], "Did you mean 'analyze'" },
        { ["lst"], "Did you mean 'list'" },
        { ["frobnicate"], "Valid commands: list, sample" },
        { ["--frobnicate"], "'--frobnicate'" },
        { [], "no command given" },
        { ["sample", "he_normal", "--shap", "4,4"], "Did you mean '--shape'" },
        { ["sample", "he_normal", "--shape", "4,4", "--cuont", "2"], "Did you mean '--count'" },
        { ["sample", "he_normal", "--shape", "4,4", "--dtpye", "f32"], "Did you mean '--dtype'" },
        { ["sample", "he_normal", "--shape", "4,4", "--sed", "1"], "Did you mean '--seed'" },
        { ["sample", "he_normal", "--shape", "4,4", "extra"], "'extra'" },
        { ["sample", "he_normal"], "--shape" },
        { ["sample"], "SPEC" },
        { ["fan", "--shape", "4,4"], "--layout" },
        { ["fan", "--shape", "4,4", "--layout", "oihw", "--grops", "2"], "Did you mean '--groups'" },
        { ["gain", "relu", "--qq", "1"], "'--qq'" },
        { ["list", "--jsn"], "Did you mean '--json'" },
        { ["list", "extra"], "'extra'" },
        { ["bench", "--szie", "10"], "Did you mean '--size'" },
        { ["report", "--quik", "--out", S + "/r"], "Did you mean '--quick'" },
        { ["train", "--exq", "lsuv"], "Did you mean '--exp'" },
        { ["analyze", "--mpl", "4-4:relu"], "Did you mean '--mlp'" },

        // Numbers the option parser reads.
        { ["sample", "he_normal", "--shape", "4,4", "--seed", "-1"], "--seed" },
        { ["sample", "he_normal", "--shape", "4,4", "--seed", "18446744073709551616"], "--seed" },
        { ["sample", "he_normal", "--shape", "4,4", "--seed", "abc"], "'abc'" },
        { ["sample", "he_normal", "--shape", "4,4", "--count", "-1"], "--count" },
        { ["sample", "he_normal", "--shape", "4,4", "--count", "1e3"], "'1e3'" },
        { ["sample", "he_normal", "--shape", "4,4", "--count", "99999999999"], "'99999999999'" },
        { ["sample", "he_normal", "--shape", "4,4", "--threads", "-3"], "--threads" },
        { ["sample", "he_normal", "--shape", "4,4", "--groups", "0"], "roups" },
        { ["sample", "he_normal", "--shape", "4,4", "--groups", "x"], "'x'" },
        { ["gain", "relu", "--q", "abc"], "'abc'" },
        { ["bench", "--size", "-5"], "--size" },
        { ["bench", "--threads", "-1"], "--threads" },
        { ["bench", "--repetitions", "0"], "--repetitions" },
        { ["report", "--quick", "--threads", "-2", "--out", S + "/r"], "--threads" },
        { ["report", "--quick", "--seed", "-2", "--out", S + "/r"], "--seed" },
        { ["analyze", "--mlp", "4-4:relu", "--batch", "0"], "--batch" },
        { ["analyze", "--mlp", "4-4:relu", "--batch", "x"], "'x'" },
        { ["train", "--bench-step", "--repetitions", "0"], "--repetitions" },

        // Initializer names and spec syntax.
        { ["sample", "glorot_unifrom", "--shape", "4,4"], "Did you mean 'glorot_uniform'" },
        { ["sample", "he_nromal", "--shape", "4,4"], "'he_nromal'" },
        { ["sample", "xavier_unifrom", "--shape", "4,4"], "Did you mean 'xavier_uniform'" },
        { ["sample", "caffe.xaiver", "--shape", "4,4"], "Did you mean 'caffe.xavier'" },
        { ["sample", "magic", "--shape", "4,4"], "Unknown initializer 'magic'" },
        { ["sample", "he_normal(", "--shape", "4,4"], "missing ')'" },
        { ["sample", "he_normal(a)", "--shape", "4,4"], "not key=value" },
        { ["sample", "he_normal(a=)", "--shape", "4,4"], "has no value" },
        { ["sample", "he_normal(a=1, a=2)", "--shape", "4,4"], "given twice" },
        { ["sample", "he_normal(slop=0.1)", "--shape", "4,4"], "Did you mean 'slope'" },
        { ["sample", "he_normal(mode=fan_inn)", "--shape", "4,4"], "Did you mean 'fan_in'" },
        { ["sample", "he_normal(mode=sideways)", "--shape", "4,4"], "'sideways'" },
        { ["sample", "he_normal(nonlinearity=rleu)", "--shape", "4,4"], "Did you mean 'relu'" },
        { ["sample", "he_normal(a=abc)", "--shape", "4,4"], "'abc'" },
        { ["sample", "he_normal(a=sqrt(-1))", "--shape", "4,4"], "sqrt(-1)" },
        { ["sample", "he_normal(a=1/0)", "--shape", "4,4"], "1/0" },
        { ["sample", "he_normal(a=inf)", "--shape", "4,4"], "'inf'" },
        { ["sample", "he_normal(a=nan)", "--shape", "4,4"], "'nan'" },
        { ["sample", "glorot_uniform(gain=-1)", "--shape", "4,4"], "positive" },
        { ["sample", "glorot_uniform(gain=tahn)", "--shape", "4,4"], "Did you mean 'tanh'" },
        { ["sample", "orthogonal(gain=0)", "--shape", "4,4"], "positive" },
        { ["sample", "identity(gain=relux)", "--shape", "4,4"], "'relux'" },
        { ["sample", "variance_scaling(distribution=gausian)", "--shape", "4,4"], "'gausian'" },
        { ["sample", "variance_scaling(fans=tensorflow)", "--shape", "4,4"], "'tensorflow'" },
        { ["sample", "variance_scaling(fans=pytorhc)", "--shape", "4,4"], "Did you mean 'pytorch'" },
        { ["sample", "normal(std=-1)", "--shape", "4,4"], "std" },
        { ["sample", "uniform(low=1, high=0)", "--shape", "4,4"], "1" },
        { ["sample", "truncated_normal(lower=2, upper=1)", "--shape", "4,4"], "lower < upper" },
        { ["sample", "truncated_normal(unit=parsec)", "--shape", "4,4"], "'parsec'" },
        { ["sample", "truncated_normal(lower=38, upper=38.01)", "--shape", "4,4", "--dtype", "f16"], "No Half value lies in the interval (38, 38.01)" },
        { ["sample", "glorotnormal", "--shape", "4,4"], "'glorotnormal' is ambiguous" },
        { ["sample", "sparse", "--shape", "4,4"], "sparsity" },
        { ["sample", "sparse(sparsity=2)", "--shape", "4,4"], "parsity" },
        { ["sample", "dirac(groups=x)", "--shape", "4,4,3"], "'x'" },
        { ["sample", "bilinear(legacy=maybe)", "--shape", "4,4,3,3"], "'maybe'" },
        { ["sample", "zeros(value=1)", "--shape", "4,4"], "'value'" },
        { ["sample", "caffe.gaussian(sparse=x)", "--shape", "4,4"], "'x'" },

        // Shapes.
        { ["sample", "he_normal", "--shape", "4,x"], "'x'" },
        { ["sample", "he_normal", "--shape", "4x"], "dimension 1 is empty" },
        { ["sample", "he_normal", "--shape", "4,,4"], "dimension 1 is empty" },
        { ["sample", "he_normal", "--shape", "[4,4"], "'[' is not closed" },
        { ["sample", "he_normal", "--shape", "4,4]"], "']'" },
        { ["sample", "he_normal", "--shape", "(4,4]"], "'(' is not closed" },
        { ["sample", "he_normal", "--shape", "4,-4"], "'-4'" },
        { ["sample", "he_normal", "--shape", "4.5,4"], "'4.5'" },
        { ["sample", "he_normal", "--shape", "4,2147483648"], "2147483648" },
        { ["sample", "he_normal", "--shape", "4;4"], "'4;4'" },
        { ["sample", "he_normal", "--shape", $"{Big},{Big},{Big}"], "more elements than a 64-bit count holds" },
        { ["sample", "he_normal", "--shape", $"{Big},{Big},{Big}", "--stats"], "more elements than a 64-bit count holds" },
        { ["sample", "he_normal", "--shape", "65536,65536", "--stats"], "more than the" },
        { ["fan", "--shape", $"{Big},{Big},{Big},{Big}", "--layout", "oihw"], "more elements than a 64-bit count holds" },
        { ["fan", "--shape", "4,x", "--layout", "oihw"], "'x'" },
        { ["fan", "--shape", "3,3,64", "--layout", "OutIn"], "OutIn" },
        { ["sample", "identity", "--shape", "2,3,4"], "identity needs a 2-D tensor" },
        { ["sample", "delta_orthogonal", "--shape", "16,32,3,3", "--count", "0"], "out ≥ in" },
        { ["sample", "delta_orthogonal", "--shape", "16,32,3,3", "--count", "1"], "out ≥ in" },
        { ["sample", "caffe.bilinear", "--shape", "3,2,4,5", "--count", "0"], "square kernel" },
        { ["sample", "dirac", "--shape", "4,4", "--count", "0"], "dirac" },
        { ["sample", "orthogonal", "--shape", "4", "--count", "0"], "rank" },
        { ["sample", "orthogonal", "--shape", "50000,50000", "--count", "3"], "largest matrix it can hold" },
        { ["sample", "orthogonal", "--shape", "50000,50000,2", "--layout", "hwio", "--count", "3"], "largest matrix it can hold" },

        // Layouts, groups, conventions, dtypes.
        { ["sample", "he_normal", "--shape", "4,4", "--layout", "oihx"], "Did you mean 'oihw'" },
        { ["sample", "he_normal", "--shape", "4,4", "--layout", "NCHW"], "'NCHW'" },
        { ["sample", "he_normal", "--shape", "4,4", "--layout", "OutInKernal"], "Did you mean 'OutInKernel'" },
        { ["fan", "--shape", "4,4", "--layout", "kerasx"], "Did you mean 'keras'" },
        { ["fan", "--shape", "4,4,3,3", "--layout", "oihw", "--groups", "3"], "groups" },
        { ["fan", "--shape", "4,4,3,3", "--layout", "oihw", "--groups", "-1"], "roups" },
        { ["fan", "--shape", "4,4", "--layout", "oihw", "--convention", "tensorflow"], "'tensorflow'" },
        { ["fan", "--shape", "4,4", "--layout", "oihw", "--convention", "pytroch"], "Did you mean 'pytorch'" },
        { ["sample", "he_normal", "--shape", "4,4", "--dtype", "f8"], "f32, f64, f16, bf16" },
        { ["sample", "he_normal", "--shape", "4,4", "--dtype", "flaot32"], "Did you mean 'float32'" },
        { ["sample", "he_normal", "--shape", "4,4", "--dtype", "int8"], "'int8'" },
        { ["bench", "--dtype", "f8"], "'f8'" },

        // Activations and gains.
        { ["gain", "tahn"], "Did you mean 'tanh'" },
        { ["gain", "relux"], "'relux'" },
        { ["gain", "leaky_relu:abc"], "'abc'" },
        { ["gain", "tanh:0.5"], "takes no parameter" },
        { ["gain", "relu", "--q", "-1"], "--q" },
        { ["analyze", "mlp:10-3:tonh"], "Unknown activation 'tonh'" },
        { ["analyze", "--mlp", "4-4:relu", "--init", "he_nromal"], "'he_nromal'" },
        { ["analyze", "--mlp", "4-4:relu", "--init", "he_normal(mode=fan_up)"], "'fan_up'" },
        { ["analyze", "--mlp", "10-0-3:relu"], "hidden width '0'" },
        { ["analyze", "--mlp", "4-4:relu", "--factor", "-1"], "--factor" },
        { ["analyze", "--mlp", "4-4:relu", "--svg", S + "/no/such/dir/x.svg"], "x.svg" },

        // Paths and sizes.
        { ["sample", "he_normal", "--shape", "4,4", "--out", S + "/w.txt"], ".npy" },
        { ["sample", "he_normal", "--shape", "4,4", "--out", S + "/missing/w.npy"], "does not exist" },
        { ["sample", "he_normal", "--shape", "4,4", "--out", "/proc/weightinit-test.npy"], "/proc/weightinit-test.npy" },
        { ["sample", "he_normal", "--shape", "4,4", "--out", "/etc/hostname/w.npy"], "is a file, not a directory" },
        { ["sample", "he_normal", "--shape", "4,4", "--out", S + "/" + new string('a', 300) + ".npy"], "too long" },
        { ["sample", "he_normal", "--shape", "4,4", "--dtype", "bf16", "--out", S + "/w.npy"], "NumPy has no BFloat16" },
        { ["report", "--quick", "--only", "symetry", "--out", S + "/r"], "Did you mean 'symmetry'" },
        { ["report", "--quick", "--out", "/etc/hostname/r"], "/etc/hostname" },
        { ["train", "--exp", "he-depth", "--schedule", "linear", "--out", S + "/t"], "inverse_time" },
        { ["train", "--exp", "lsuv", "--arch", "conv", "--out", S + "/t"], "he-depth only" },
        { ["train", "--exp", "he-depth", "--arch", "lstm", "--out", S + "/t"], "mlp, conv" },
        { ["train", "--exp", "he-depht", "--out", S + "/t"], "'he-depht'" },
        { ["train", "--exp", "he-depth", "--activation", "elu", "--out", S + "/t"], "relu, prelu" },
        { ["train", "--exp", "lsuv", "--updates", "-1", "--out", S + "/t"], "--updates" },
        { ["train", "--exp", "lsuv", "--width", "0", "--out", S + "/t"], "--width" },
        { ["train", "--exp", "lsuv", "--depths", "3,x", "--out", S + "/t"], "'x'" },
        { ["train", "--exp", "lsuv", "--lr", "-1", "--out", S + "/t"], "--lr" },
        { ["train", "--exp", "lsuv", "--data", "fashion-mnistt", "--out", S + "/t"], "fashion-mnistt" },
        { ["train", "--exp", "lsuv", "--out", "/etc/hostname/t"], "/etc/hostname" },
        { ["bench", "--gemm", "0"], "--gemm" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadInput_ExitsTwo_OneLineNamingTheProblem_NothingLeft(string[] args, string named) =>
        BadInput.AssertRefused(args, named);

    [Fact]
    public void Cases_AtLeastOneHundred_EveryCommandCovered()
    {
        var cases = Cases.Select(row => (string[])row[0]).ToList();
        Assert.True(cases.Count >= 100, $"{cases.Count} cases");
        foreach (var command in new[] { "sample", "fan", "gain", "list", "analyze", "train", "report", "bench" })
            Assert.Contains(cases, args => args.Length > 0 && args[0] == command);
    }
}
