using System.Text.Json;
using WeightInit.IO;

namespace WeightInit.Cli.Tests;

/// <summary><c>init --model config.json</c> writes transformers' layout: shards named model-0000k-of-0000N.safetensors, the
/// index with metadata.total_size and a complete weight_map, and config.json beside them.</summary>
public class HuggingFaceInitTests
{
    private static string NewPath() => Path.Combine(Path.GetTempPath(), $"weightinit-hf-{Guid.NewGuid():N}");

    private const string TinyLlama = """
        {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 32, "intermediate_size": 64,
         "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100,
         "max_position_embeddings": 64, "initializer_range": 0.05, "rms_norm_eps": 1e-6, "tie_word_embeddings": false,
         "pad_token_id": 3, "torch_dtype": "float32"}
        """;

    [Fact]
    public void LlamaConfig_WritesTransformersLayout_ConfigBeside_PaddingRowZero_LawsOfInitWeights()
    {
        string root = NewPath(), dir = Path.Combine(root, "out");
        Directory.CreateDirectory(root);
        try
        {
            string config = Path.Combine(root, "config.json");
            File.WriteAllText(config, TinyLlama);
            var run = CliRunner.Run("init", "--model", config, "--out", dir, "--shard-size", "16KB", "--seed", "9");
            Assert.True(run.ExitCode == 0, run.Error);

            var shards = Directory.GetFiles(dir, "*.safetensors").Select(Path.GetFileName).Order().ToList();
            Assert.True(shards.Count > 1, string.Join(", ", shards));
            for (int k = 0; k < shards.Count; k++)
                Assert.Equal($"model-{k + 1:D5}-of-{shards.Count:D5}.safetensors", shards[k]);

            using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, ShardIndex.IndexFileName)));
            var weightMap = index.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            long totalBytes = 0;
            var names = new HashSet<string>();
            foreach (var shard in shards)
            {
                using var reader = SafetensorsReader.Open(Path.Combine(dir, shard!));
                foreach (var t in reader.Tensors)
                {
                    totalBytes += t.ByteLength;
                    names.Add(t.Name);
                    Assert.Equal(shard, weightMap[t.Name]);
                }
            }
            Assert.Equal(totalBytes, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
            Assert.Equal(names, weightMap.Keys.ToHashSet());
            Assert.Contains("lm_head.weight", names); // untied
            Assert.Equal(1 + 2 * 9 + 1 + 1, names.Count);

            using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "config.json")));
            Assert.Equal("llama", written.RootElement.GetProperty("model_type").GetString());
            Assert.Equal(32, written.RootElement.GetProperty("hidden_size").GetInt32());
            Assert.Equal("float32", written.RootElement.GetProperty("torch_dtype").GetString());

            using var embedShard = SafetensorsReader.Open(Path.Combine(dir, weightMap["model.embed_tokens.weight"]));
            var embed = embedShard.ReadAsDoubles("model.embed_tokens.weight");
            Assert.Equal(100 * 32, embed.Length);
            Assert.All(embed.Skip(3 * 32).Take(32), v => Assert.Equal(0.0, v)); // row pad_token_id = 3
            var rest = embed.Take(3 * 32).Concat(embed.Skip(4 * 32)).ToArray();
            AssertStd(rest, 0.05);

            using var qShard = SafetensorsReader.Open(Path.Combine(dir, weightMap["model.layers.1.self_attn.q_proj.weight"]));
            AssertStd(qShard.ReadAsDoubles("model.layers.1.self_attn.q_proj.weight"), 0.05);
            using var normShard = SafetensorsReader.Open(Path.Combine(dir, weightMap["model.norm.weight"]));
            Assert.All(normShard.ReadAsDoubles("model.norm.weight"), v => Assert.Equal(1.0, v));
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, true);
        }
    }

    /// <summary>Sample std within 5 standard errors of <paramref name="sigma"/> (the std of a normal's sample std is σ/√(2n)).</summary>
    private static void AssertStd(double[] values, double sigma)
    {
        double mean = values.Average();
        double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        double se = sigma / Math.Sqrt(2.0 * values.Length);
        Assert.True(Math.Abs(std - sigma) < 5 * se, $"std {std} vs {sigma} ± {5 * se}");
        Assert.True(Math.Abs(mean) < 5 * sigma / Math.Sqrt(values.Length), $"mean {mean}");
    }

    [Fact]
    public void Plan_PrintsEveryTensorAndWritesNothing()
    {
        string dir = NewPath();
        var run = CliRunner.Run("init", "--preset", "qwen2-0.5b", "--plan", "--json", "--out", dir);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.False(Directory.Exists(dir));
        using var doc = JsonDocument.Parse(run.Output);
        Assert.Equal(494_032_768, doc.RootElement.GetProperty("parameters").GetInt64());
        Assert.Equal(2 * 494_032_768L, doc.RootElement.GetProperty("bytes").GetInt64()); // bfloat16
        var tensors = doc.RootElement.GetProperty("tensors").EnumerateArray().ToList();
        Assert.Equal(290, tensors.Count);
        var q = tensors.Single(t => t.GetProperty("name").GetString() == "model.layers.0.self_attn.q_proj.weight");
        Assert.Equal(896, q.GetProperty("fan_in").GetInt32());
        Assert.Equal(896, q.GetProperty("fan_out").GetInt32());
        foreach (var field in new[] { "shape", "dtype", "role", "init" }) Assert.True(q.TryGetProperty(field, out _), field);
    }

    [Theory]
    [InlineData("""{"model_type": "t5"}""", "t5")]
    [InlineData("""{"model_type": "llama", "hidden_size": 30, "num_attention_heads": 4, "intermediate_size": 8, "num_hidden_layers": 1, "vocab_size": 10}""", "num_attention_heads")]
    [InlineData("""{"model_type": "llama", "hidden_size": 32, "hidden_size": 64}""", "hidden_size")]
    [InlineData("""{"model_type": "llama", "hidden_size": 32, "num_attention_heads": 4, "head_dim": 1073741824, "intermediate_size": 8, "num_hidden_layers": 1, "vocab_size": 10}""", "head_dim")]
    [InlineData("""{"model_type": "vit", "hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 1, "image_size": 65536, "patch_size": 1}""", "image_size")]
    public void BadConfig_OneLine_ExitTwo_NothingWritten(string json, string named)
    {
        string root = NewPath();
        Directory.CreateDirectory(root);
        try
        {
            string config = Path.Combine(root, "config.json");
            File.WriteAllText(config, json);
            string dir = Path.Combine(root, "out");
            var run = CliRunner.Run("init", "--model", config, "--out", dir);
            Assert.Equal(2, run.ExitCode);
            Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
            Assert.Contains(named, run.Error);
            Assert.False(CliRunner.HasStackTrace(run.Error));
            Assert.False(Directory.Exists(dir));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    /// <summary>A config.json gives every tensor its own law, so a preset's defaults and rules would reach none of them: refused,
    /// not silently ignored.</summary>
    [Theory]
    [InlineData("pytorch-default")]
    [InlineData("gpt2")]
    public void ConfigWithPreset_OneLine_ExitTwo_NothingWritten(string preset)
    {
        string root = NewPath();
        Directory.CreateDirectory(root);
        try
        {
            string config = Path.Combine(root, "config.json");
            File.WriteAllText(config, TinyLlama);
            string dir = Path.Combine(root, "out");
            var run = CliRunner.Run("init", "--model", config, "--preset", preset, "--out", dir);
            Assert.Equal(2, run.ExitCode);
            Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
            Assert.StartsWith("error: --preset " + preset, run.Error);
            Assert.False(CliRunner.HasStackTrace(run.Error));
            Assert.False(Directory.Exists(dir));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
