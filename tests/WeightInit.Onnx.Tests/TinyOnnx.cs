using Google.Protobuf;

namespace WeightInit.Onnx.Tests;

/// <summary>A one-Gemm ONNX model (y = x·Wᵀ + b, W [4, 3]) encoded field by field with onnx.proto's numbers, so that a test can
/// break exactly one thing (a dim, a data type, an external-data entry, a node's wiring) without Python. Shared with the CLI tests.</summary>
/// <remarks>Written with Google.Protobuf's public <see cref="CodedOutputStream"/>, not the library's generated classes: what
/// goes into the file is what the test says, independent of the reader under test.</remarks>
public sealed class TinyOnnx
{
    /// <summary>An initializer: dims, ONNX data type, and its data as raw_data, float_data or external_data entries.</summary>
    public sealed record Tensor(string Name, long[] Dims, int DataType = 1, byte[]? Raw = null, float[]? FloatData = null,
        (string Key, string Value)[]? External = null);

    /// <summary>A node; <paramref name="TransB"/> adds Gemm's transB = 1, <paramref name="Group"/> a Conv's group attribute,
    /// <paramref name="Ints"/> and <paramref name="Strings"/> any other INT and STRING attributes (hidden_size, direction, …).</summary>
    public sealed record Node(string Op, string[] Inputs, string[] Outputs, string Name = "", bool TransB = false, long? Group = null,
        (string Name, long Value)[]? Ints = null, (string Name, string Value)[]? Strings = null);

    /// <summary>ir_version, or null to leave it out.</summary>
    public long? IrVersion { get; set; } = 8;

    public List<Tensor> Initializers { get; } =
    [
        new("W", [4, 3], Raw: new byte[4 * 3 * 4]),
        new("b", [4], Raw: new byte[4 * 4]),
    ];

    public List<Node> Nodes { get; } = [new("Gemm", ["x", "W", "b"], ["y"], "gemm", TransB: true)];

    /// <summary>The graph's one float input, [N, 3] with a dynamic first axis.</summary>
    public string Input { get; set; } = "x";

    /// <summary>Replaces initializer <paramref name="name"/> by <paramref name="change"/> of it.</summary>
    public TinyOnnx With(string name, Func<Tensor, Tensor> change)
    {
        int i = Initializers.FindIndex(t => t.Name == name);
        Initializers[i] = change(Initializers[i]);
        return this;
    }

    /// <summary>Writes the model to <paramref name="path"/> and returns the path.</summary>
    public string Save(string path)
    {
        File.WriteAllBytes(path, ToBytes());
        return path;
    }

    public byte[] ToBytes() => Message(o =>
    {
        if (IrVersion is { } ir) { o.WriteTag(1, WireFormat.WireType.Varint); o.WriteInt64(ir); }
        Sub(o, 7, Graph);
        Sub(o, 8, s => { String(s, 1, ""); s.WriteTag(2, WireFormat.WireType.Varint); s.WriteInt64(13); }); // opset_import ai.onnx 13
    });

    private void Graph(CodedOutputStream o)
    {
        foreach (var n in Nodes) Sub(o, 1, s => NodeBody(s, n));
        String(o, 2, "tiny");
        foreach (var t in Initializers) Sub(o, 5, s => TensorBody(s, t));
        Sub(o, 11, s => ValueInfo(s, Input, [null, 3]));
        Sub(o, 12, s => ValueInfo(s, "y", [null, 4]));
    }

    private static void NodeBody(CodedOutputStream o, Node n)
    {
        foreach (string i in n.Inputs) String(o, 1, i);
        foreach (string x in n.Outputs) String(o, 2, x);
        if (n.Name.Length > 0) String(o, 3, n.Name);
        String(o, 4, n.Op);
        if (n.TransB) IntAttribute(o, "transB", 1);
        if (n.Group is { } group) IntAttribute(o, "group", group);
        foreach (var (name, value) in n.Ints ?? []) IntAttribute(o, name, value);
        foreach (var (name, value) in n.Strings ?? [])
            // AttributeProto { name = 1, s = 4, type = 20 (STRING = 3) }
            Sub(o, 5, a => { String(a, 1, name); String(a, 4, value); a.WriteTag(20, WireFormat.WireType.Varint); a.WriteInt32(3); });
    }

    private static void IntAttribute(CodedOutputStream o, string name, long value)
    {
        // AttributeProto { name = 1, i = 3, type = 20 (INT = 2) }
        Sub(o, 5, a => { String(a, 1, name); a.WriteTag(3, WireFormat.WireType.Varint); a.WriteInt64(value); a.WriteTag(20, WireFormat.WireType.Varint); a.WriteInt32(2); });
    }

    private static void TensorBody(CodedOutputStream o, Tensor t)
    {
        foreach (long d in t.Dims) { o.WriteTag(1, WireFormat.WireType.Varint); o.WriteInt64(d); }
        o.WriteTag(2, WireFormat.WireType.Varint);
        o.WriteInt32(t.DataType);
        if (t.FloatData is { } floats)
        {
            o.WriteTag(4, WireFormat.WireType.LengthDelimited);
            o.WriteLength(floats.Length * 4);
            foreach (float f in floats) o.WriteFloat(f);
        }
        String(o, 8, t.Name);
        if (t.Raw is { } raw) { o.WriteTag(9, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(raw)); }
        if (t.External is { } entries)
        {
            foreach (var (key, value) in entries) Sub(o, 13, e => { String(e, 1, key); String(e, 2, value); });
            o.WriteTag(14, WireFormat.WireType.Varint);
            o.WriteInt32(1); // EXTERNAL
        }
    }

    /// <summary>ValueInfoProto with a float tensor type; a null dim is dim_param "N".</summary>
    private static void ValueInfo(CodedOutputStream o, string name, long?[] dims)
    {
        String(o, 1, name);
        Sub(o, 2, type => Sub(type, 1, tensor =>
        {
            tensor.WriteTag(1, WireFormat.WireType.Varint);
            tensor.WriteInt32(1);
            Sub(tensor, 2, shape =>
            {
                foreach (long? d in dims)
                    Sub(shape, 1, dim => { if (d is { } v) { dim.WriteTag(1, WireFormat.WireType.Varint); dim.WriteInt64(v); } else String(dim, 2, "N"); });
            });
        }));
    }

    private static void String(CodedOutputStream o, int field, string value)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteString(value);
    }

    private static void Sub(CodedOutputStream o, int field, Action<CodedOutputStream> body)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(Message(body)));
    }

    private static byte[] Message(Action<CodedOutputStream> body)
    {
        using var memory = new MemoryStream();
        using (var o = new CodedOutputStream(memory, leaveOpen: true)) body(o);
        return memory.ToArray();
    }
}
