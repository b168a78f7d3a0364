using TorchSharp;
using WeightInit.Initializers;
using WeightInit.Shapes;
using WeightInit.Random;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Tests;

/// <summary>In-place writes touch exactly the tensor's elements: views of a bigger tensor filled with a guard value, written,
/// then compared with the same view of a copy written by libtorch's own <c>copy_</c> from the core library's Span output.</summary>
public sealed class InPlaceWriteTests
{
    public static IEnumerable<object[]> Cases() =>
        from dtype in TestTensors.FloatTypes
        from view in new[] { "contiguous-offset", "strided-slice", "transposed", "permuted-slice", "column", "big-transposed", "step-slice-3d" }
        select new object[] { dtype.ToString(), view };

    private static Tensor View(Tensor big, string view) => view switch
    {
        "contiguous-offset" => big[3],                                                        // [11, 5], storage offset 165
        "strided-slice" => big[TensorIndex.Slice(1, 6), TensorIndex.Slice(2, 9, 2), TensorIndex.Slice(1, 4)], // [5, 4, 3]
        "transposed" => big[2].t(),                                                           // [5, 11], strides [1, 5]
        "permuted-slice" => big.permute(2, 0, 1)[TensorIndex.Slice(1, 3)],                    // [2, 7, 11]
        "column" => big[TensorIndex.Colon, 4, 2],                                              // [7], stride 55
        "step-slice-3d" => big[TensorIndex.Slice(null, null, 3), TensorIndex.Slice(1, null, 4), TensorIndex.Slice(null, null, 2)],
        _ => throw new ArgumentOutOfRangeException(nameof(view)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_TouchesExactlyTheViewsElements(string dtypeName, string viewName) => WriteAndCompare(dtypeName, viewName);

    /// <summary>The path CUDA tensors take (a CPU staging tensor, then <c>copy_</c>), run here on CPU tensors: the same bytes, the same guard.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_ThroughTheStagingCopy_TouchesExactlyTheViewsElements(string dtypeName, string viewName)
    {
        TensorWriter.StageEveryTensor = true;
        try
        {
            WriteAndCompare(dtypeName, viewName);
        }
        finally
        {
            TensorWriter.StageEveryTensor = false;
        }
    }

    private static void WriteAndCompare(string dtypeName, string viewName)
    {
        var dtype = Enum.Parse<ScalarType>(dtypeName);
        bool huge = viewName == "big-transposed";
        // Guard: -7.25, exact in every dtype, never produced by the initializer below (U[0.5, 1)).
        using var big = huge ? torch.full([300, 200], -7.25, dtype) : torch.full([7, 11, 5], -7.25, dtype);
        using var reference = big.clone();
        using var view = huge ? big.t() : View(big, viewName);   // big-transposed: 60 000 elements, several scatter buffers
        using var refView = huge ? reference.t() : View(reference, viewName);
        Assert.Equal(viewName == "contiguous-offset", view.is_contiguous());
        var init = Init.Uniform(0.5, 1);
        var key = PhiloxKey.FromSeed(3).Fold(viewName);
        var shape = new WeightShape(view.shape.Select(d => (int)d));
        TensorWriter.Write(view, new InitializerSource(init, key, shape));

        var span = RegistryThroughModuleTests.SpanOutput(init, key, shape, dtype);
        using var fromSpan = torch.empty(view.shape, dtype);
        span.CopyTo(fromSpan.bytes);
        using (torch.no_grad()) refView.copy_(fromSpan);
        Assert.Equal(TestTensors.Bytes(reference), TestTensors.Bytes(big));
        Assert.Equal(span, TestTensors.Bytes(view));
    }

    [Fact]
    public void Write_ChunkedContiguousPath_EqualsOneFill_AndKeepsTheGuard()
    {
        long saved = TensorWriter.ChunkElements;
        TensorWriter.ChunkElements = 1000;   // a 40 000-element tensor in 40 chunks
        try
        {
            using var big = torch.full([5, 100, 400], -7.25f);
            using var part = big[TensorIndex.Slice(1, 2)];   // [1, 100, 400], contiguous, offset 40 000
            var init = Init.Normal(0, 1);
            var key = PhiloxKey.FromSeed(4).Fold("chunked");
            var shape = new WeightShape([1, 100, 400]);
            TensorWriter.Write(part, new InitializerSource(init, key, shape));
            Assert.Equal(RegistryThroughModuleTests.SpanOutput(init, key, shape, ScalarType.Float32), TestTensors.Bytes(part));
            var values = TestTensors.Values(big);
            for (int i = 0; i < values.Length; i++)
                if (i / 40_000 != 1) Assert.Equal(-7.25, values[i]);
        }
        finally
        {
            TensorWriter.ChunkElements = saved;
        }
    }

    [Fact]
    public void Module_WithANonContiguousParameter_IsWrittenInPlace()
    {
        // A module whose weight is a transposed view of a bigger buffer: the parameter object and its storage stay, only its elements change.
        using var lin = nn.Linear(6, 4);
        using var storage = torch.full([6, 5], -7.25f);
        using (torch.no_grad()) lin.weight = new global::TorchSharp.Modules.Parameter(storage[TensorIndex.Colon, TensorIndex.Slice(1, 5)].t());
        Assert.False(lin.weight!.is_contiguous());
        new ModuleInit(2).Rule("weight", Init.HeNormal()).Apply(lin);
        var expected = Init.HeNormal().CreateSingle(PhiloxKey.FromSeed(2).Fold("weight"), new WeightShape([4, 6], Shapes.WeightLayout.OutIn));
        Assert.Equal(expected.Select(v => (double)v), TestTensors.Values(lin.weight!));
        var s = TestTensors.Values(storage);
        for (int i = 0; i < 6; i++) Assert.Equal(-7.25, s[i * 5]);   // column 0 is outside the view
    }
}
