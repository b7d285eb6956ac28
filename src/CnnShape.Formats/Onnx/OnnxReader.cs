using System.Text;
using CnnShape.Onnx;

namespace CnnShape.Formats.Onnx;

/// <summary>
/// Reads an ONNX model at the protobuf wire level (field numbers from onnx.proto) with <see cref="WireReader"/>:
/// graph, nodes, attributes, value infos and initializer dims and types. Weight bytes are skipped by seeking, never read
/// or copied, so neither memory nor time grows with the weights; only tensors of at most
/// <see cref="MaxKeptValues"/> elements keep their values (the shape arithmetic exporters write).
/// </summary>
public static class OnnxReader
{
    /// <summary>Tensors with at most this many elements keep their values.</summary>
    public const int MaxKeptValues = 4096;

    private const int WireVarint = 0, WireFixed64 = 1, WireLength = 2, WireFixed32 = 5;

    /// <summary>Reads a model from a stream; a malformed stream is refused with the byte offset.</summary>
    public static OnnxModel Read(Stream stream, string fileName)
    {
        var input = new WireReader(stream);
        var reader = new Reader(input, fileName, input.Length);
        try
        {
            return reader.Model();
        }
        catch (WireException e)
        {
            throw new CnnShapeException($"{fileName}: byte {input.Position}: not a valid ONNX protobuf ({e.Message}).");
        }
        catch (OverflowException)
        {
            throw new CnnShapeException($"{fileName}: byte {input.Position}: not a valid ONNX protobuf (a number is out of range).");
        }
    }

    private sealed class Reader(WireReader input, string fileName, long length)
    {
        private int _depth;

        private static int FieldOf(uint tag) => (int)(tag >> 3);

        private static int WireOf(uint tag) => (int)(tag & 7);

        private CnnShapeException Error(string rule) => new($"{fileName}: byte {input.Position}: {rule}.");

        /// <summary>Reads a length prefix and returns where the nested message ends.</summary>
        private long Enter()
        {
            int len = input.ReadLength();
            long end = input.Position + len;
            if (len < 0 || end > length) throw Error($"a nested message claims {len} bytes, past the end of the file ({length} bytes): the file is truncated or not ONNX");
            if (++_depth > 64) throw Error("messages are nested too deeply");
            return end;
        }

        private void Leave(long end)
        {
            if (input.Position != end) throw Error("a nested message overruns its declared length");
            _depth--;
        }

        private bool More(long end) => input.Position < end;

        private uint Tag()
        {
            uint tag = input.ReadTag();
            if (tag == 0) throw Error("unexpected end of data inside a message (the file is truncated)");
            return tag;
        }

        public OnnxModel Model()
        {
            var model = new OnnxModel();
            bool sawGraph = false;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                int field = FieldOf(tag);
                int wire = WireOf(tag);
                if (field == 7 && wire == WireLength)
                {
                    long end = Enter();
                    model.Graph = Graph(end);
                    Leave(end);
                    sawGraph = true;
                }
                else if (field == 8 && wire == WireLength)
                {
                    long end = Enter();
                    string domain = "";
                    long version = 0;
                    while (More(end))
                    {
                        uint t = Tag();
                        switch (FieldOf(t))
                        {
                            case 1 when WireOf(t) == WireLength: domain = input.ReadString(); break;
                            case 2 when WireOf(t) == WireVarint: version = input.ReadInt64(); break;
                            default: input.SkipLastField(); break;
                        }
                    }
                    Leave(end);
                    model.Opsets[domain] = version;
                }
                else
                {
                    input.SkipLastField();
                }
            }
            if (!sawGraph) throw new CnnShapeException($"{fileName}: no graph found (field 7 of ModelProto): the file is empty, truncated or not an ONNX model.");
            return model;
        }

        private OnnxGraph Graph(long end)
        {
            var g = new OnnxGraph();
            while (More(end))
            {
                uint tag = Tag();
                int field = FieldOf(tag);
                if (WireOf(tag) != WireLength) { input.SkipLastField(); continue; }
                switch (field)
                {
                    case 1: { long e = Enter(); g.Nodes.Add(Node(e)); Leave(e); break; }
                    case 5: { long e = Enter(); var t = Tensor(e); Leave(e); g.Initializers[t.Name] = t; break; }
                    case 11: { long e = Enter(); g.Inputs.Add(Value(e)); Leave(e); break; }
                    case 12: { long e = Enter(); g.Outputs.Add(Value(e)); Leave(e); break; }
                    case 13: { long e = Enter(); g.ValueInfo.Add(Value(e)); Leave(e); break; }
                    default: input.SkipLastField(); break;
                }
            }
            return g;
        }

        private OnnxNode Node(long end)
        {
            string name = "", op = "", domain = "";
            var inputs = new List<string>();
            var outputs = new List<string>();
            var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
            while (More(end))
            {
                uint tag = Tag();
                if (WireOf(tag) != WireLength) { input.SkipLastField(); continue; }
                switch (FieldOf(tag))
                {
                    case 1: inputs.Add(input.ReadString()); break;
                    case 2: outputs.Add(input.ReadString()); break;
                    case 3: name = input.ReadString(); break;
                    case 4: op = input.ReadString(); break;
                    case 7: domain = input.ReadString(); break;
                    case 5: { long e = Enter(); var a = Attribute(e); Leave(e); attributes[a.Name] = a; break; }
                    default: input.SkipLastField(); break;
                }
            }
            return new OnnxNode(name, op, domain, inputs, outputs, attributes);
        }

        private OnnxAttribute Attribute(long end)
        {
            string name = "";
            long? i = null;
            float? f = null;
            string? s = null;
            List<long>? ints = null;
            List<float>? floats = null;
            OnnxTensor? t = null;
            bool graph = false;
            OnnxGraph? body = null;
            while (More(end))
            {
                uint tag = Tag();
                int wire = WireOf(tag);
                switch (FieldOf(tag))
                {
                    case 1 when wire == WireLength: name = input.ReadString(); break;
                    case 2 when wire == WireFixed32: f = input.ReadFloat(); break;
                    case 3 when wire == WireVarint: i = input.ReadInt64(); break;
                    case 4 when wire == WireLength: s = Encoding.UTF8.GetString(input.ReadBytes()); break;
                    case 5 when wire == WireLength: { long e = Enter(); t = Tensor(e); Leave(e); break; }
                    // an If's branches (g) are read, as the analysis can take the one a condition known from shapes picks
                    case 6 when wire == WireLength: { long e = Enter(); body = Graph(e); Leave(e); graph = true; break; }
                    case 6 or 11: graph = true; input.SkipLastField(); break;
                    case 7: floats ??= []; ReadFloats(wire, floats); break;
                    case 8: ints ??= []; ReadInts(wire, ints); break;
                    default: input.SkipLastField(); break;
                }
            }
            return new OnnxAttribute(name, i, f, s, ints?.ToArray(), floats?.ToArray(), t, graph) { Graph = body };
        }

        private void ReadInts(int wire, List<long> into)
        {
            if (wire == WireVarint) { into.Add(input.ReadInt64()); return; }
            if (wire != WireLength) { input.SkipLastField(); return; }
            long end = Enter();
            while (More(end))
            {
                into.Add(input.ReadInt64());
                if (into.Count > 1 << 20) throw Error("a repeated integer field has more than a million values");
            }
            Leave(end);
        }

        private void ReadFloats(int wire, List<float> into)
        {
            if (wire == WireFixed32) { into.Add(input.ReadFloat()); return; }
            if (wire != WireLength) { input.SkipLastField(); return; }
            long end = Enter();
            while (More(end)) into.Add(input.ReadFloat());
            Leave(end);
        }

        private OnnxValueInfo Value(long end)
        {
            string name = "";
            OnnxDim[]? shape = null;
            while (More(end))
            {
                uint tag = Tag();
                int field = FieldOf(tag);
                if (field == 1 && WireOf(tag) == WireLength) name = input.ReadString();
                else if (field == 2 && WireOf(tag) == WireLength) { long e = Enter(); shape = TypeShape(e); Leave(e); }
                else input.SkipLastField();
            }
            return new OnnxValueInfo(name, shape);
        }

        /// <summary>TypeProto → tensor_type (1) → shape (2) → dim (1): dim_value (1) or dim_param (2).</summary>
        private OnnxDim[]? TypeShape(long end)
        {
            OnnxDim[]? shape = null;
            while (More(end))
            {
                uint tag = Tag();
                if (FieldOf(tag) != 1 || WireOf(tag) != WireLength) { input.SkipLastField(); continue; }
                long te = Enter();
                while (More(te))
                {
                    uint t2 = Tag();
                    if (FieldOf(t2) != 2 || WireOf(t2) != WireLength) { input.SkipLastField(); continue; }
                    long se = Enter();
                    var dims = new List<OnnxDim>();
                    while (More(se))
                    {
                        uint t3 = Tag();
                        if (FieldOf(t3) != 1 || WireOf(t3) != WireLength) { input.SkipLastField(); continue; }
                        long de = Enter();
                        long? value = null;
                        string? symbol = null;
                        while (More(de))
                        {
                            uint t4 = Tag();
                            switch (FieldOf(t4))
                            {
                                case 1 when WireOf(t4) == WireVarint: value = input.ReadInt64(); break;
                                case 2 when WireOf(t4) == WireLength: symbol = input.ReadString(); break;
                                default: input.SkipLastField(); break;
                            }
                        }
                        Leave(de);
                        dims.Add(new OnnxDim(value, symbol));
                    }
                    Leave(se);
                    shape = [.. dims];
                }
                Leave(te);
            }
            return shape;
        }

        private OnnxTensor Tensor(long end)
        {
            var dims = new List<long>();
            int type = 0;
            string name = "";
            List<long>? ints = null;
            List<double>? floats = null;
            while (More(end))
            {
                uint tag = Tag();
                int wire = WireOf(tag);
                switch (FieldOf(tag))
                {
                    case 1: ReadInts(wire, dims); break;
                    case 2 when wire == WireVarint: type = input.ReadInt32(); break;
                    case 8 when wire == WireLength: name = input.ReadString(); break;
                    case 5 or 7 when Small(dims):
                        ints ??= [];
                        ReadInts(wire, ints);
                        break;
                    case 4 when Small(dims):
                        {
                            var fl = new List<float>();
                            ReadFloats(wire, fl);
                            floats ??= [];
                            floats.AddRange(fl.Select(x => (double)x));
                            break;
                        }
                    case 9 when wire == WireLength && Small(dims) && type is 1 or 6 or 7 or 11:
                        {
                            var bytes = input.ReadBytes().AsSpan();
                            if (type == 7) { ints = []; for (int i = 0; i + 8 <= bytes.Length; i += 8) ints.Add(BitConverter.ToInt64(bytes[i..])); }
                            else if (type == 6) { ints = []; for (int i = 0; i + 4 <= bytes.Length; i += 4) ints.Add(BitConverter.ToInt32(bytes[i..])); }
                            else if (type == 1) { floats = []; for (int i = 0; i + 4 <= bytes.Length; i += 4) floats.Add(BitConverter.ToSingle(bytes[i..])); }
                            else { floats = []; for (int i = 0; i + 8 <= bytes.Length; i += 8) floats.Add(BitConverter.ToDouble(bytes[i..])); }
                            break;
                        }
                    default:
                        // raw_data and other weight bytes: skipped without copying
                        input.SkipLastField();
                        break;
                }
            }
            foreach (var d in dims) if (d < 0) throw Error($"tensor '{name}' has a negative dimension ({d})");
            return new OnnxTensor(name, [.. dims], type, ints?.ToArray(), floats?.ToArray());
        }

        private static bool Small(List<long> dims)
        {
            long n = 1;
            foreach (var d in dims)
            {
                if (d < 0 || d > MaxKeptValues) return false;
                n *= d;
                if (n > MaxKeptValues) return false;
            }
            return true;
        }
    }
}
