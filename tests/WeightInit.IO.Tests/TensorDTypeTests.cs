using WeightInit.IO;

namespace WeightInit.IO.Tests;

public class TensorDTypeTests
{
    [Theory]
    [InlineData("f32", TensorDType.Float32)]
    [InlineData("float32", TensorDType.Float32)]
    [InlineData("F32", TensorDType.Float32)]
    [InlineData("f64", TensorDType.Float64)]
    [InlineData("double", TensorDType.Float64)]
    [InlineData("F64", TensorDType.Float64)]
    [InlineData("f16", TensorDType.Float16)]
    [InlineData("half", TensorDType.Float16)]
    [InlineData("float16", TensorDType.Float16)]
    [InlineData("bf16", TensorDType.BFloat16)]
    [InlineData("BF16", TensorDType.BFloat16)]
    [InlineData("bfloat16", TensorDType.BFloat16)]
    public void Parse_KnownSpelling_GivesType(string text, TensorDType expected)
    {
        Assert.Equal(expected, TensorDTypes.Parse(text));
    }

    [Fact]
    public void Parse_UnknownSpelling_ThrowsListingChoices()
    {
        var e = Assert.Throws<ArgumentException>(() => TensorDTypes.Parse("int8"));
        Assert.Contains("'int8'", e.Message);
        foreach (string choice in new[] { "f32", "float32", "f64", "double", "f16", "half", "bf16", "bfloat16" })
            Assert.Contains(choice, e.Message);
    }

    [Theory]
    [InlineData(TensorDType.Float32, 4, "F32", "<f4")]
    [InlineData(TensorDType.Float64, 8, "F64", "<f8")]
    [InlineData(TensorDType.Float16, 2, "F16", "<f2")]
    public void Names_EachType_MatchFormats(TensorDType dtype, int size, string safetensors, string numpy)
    {
        Assert.Equal(size, dtype.ElementSize());
        Assert.Equal(safetensors, dtype.SafetensorsName());
        Assert.Equal(dtype, TensorDTypes.FromSafetensorsName(safetensors));
        Assert.Equal(numpy, dtype.NumpyDescr());
    }

    [Fact]
    public void NumpyDescr_BFloat16_RefusedSuggestingSafetensorsOrF32()
    {
        Assert.Equal(2, TensorDType.BFloat16.ElementSize());
        Assert.Equal("BF16", TensorDType.BFloat16.SafetensorsName());
        var e = Assert.Throws<NotSupportedException>(() => TensorDType.BFloat16.NumpyDescr());
        Assert.Contains("safetensors", e.Message);
        Assert.Contains("f32", e.Message);
    }

    [Fact]
    public void FromSafetensorsName_Unsupported_ListsSupported()
    {
        var e = Assert.Throws<ArgumentException>(() => TensorDTypes.FromSafetensorsName("I32"));
        Assert.Contains("F32, F64, F16, BF16", e.Message);
    }
}
