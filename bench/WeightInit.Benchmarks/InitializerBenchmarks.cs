using BenchmarkDotNet.Attributes;
using WeightInit.Initializers;
using WeightInit.Random;
using WeightInit.Shapes;

namespace WeightInit.Benchmarks;

/// <summary>Every registry initializer filling a float32 tensor of 2^20 elements: [1024, 1024], or [256, 256, 4, 4] for those that need a convolution weight.</summary>
[MemoryDiagnoser]
public class InitializerBenchmarks
{
    // Registry entries with a required argument get one here.
    private static readonly Dictionary<string, string> Specs = new() { ["sparse"] = "sparse(sparsity=0.1)" };

    private static readonly WeightShape Matrix = WeightShape.OutIn(1024, 1024);
    private static readonly WeightShape Convolution = WeightShape.OutIn(256, 256, 4, 4);

    private Initializer _initializer = null!;
    private WeightShape _shape = Matrix;
    private readonly float[] _values = new float[1 << 20];
    private readonly PhiloxKey _key = PhiloxKey.FromSeed(0).Fold("bench.weight");

    /// <summary>Every registry name.</summary>
    public static IEnumerable<string> Names => InitializerRegistry.All.Select(i => i.Name);

    /// <summary>The registry name.</summary>
    [ParamsSource(nameof(Names))]
    public string Name { get; set; } = "";

    /// <summary>Builds the initializer and picks the first shape it accepts.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _initializer = InitializerRegistry.Parse(Specs.GetValueOrDefault(Name, Name));
        try
        {
            _initializer.Fill(_key, Matrix, _values.AsSpan(0, 1));
            _shape = Matrix;
        }
        catch (ArgumentException)
        {
            _shape = Convolution;
        }
    }

    private ulong _invocation;

    /// <summary>One fill of the whole tensor, under a fresh key each time: structured initializers (orthogonal) keep the
    /// last matrix they computed for the chunks of one fill, and a refill under the same key would time a copy.</summary>
    [Benchmark]
    public void Fill() => _initializer.Fill(_key.Fold(_invocation++), _shape, _values);
}
