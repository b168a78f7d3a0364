# The independent reader: Debian's onnx 1.12 (and SciPy) judge a model WeightInit rewrote.
# argv: original.onnx rewritten.onnx request.json; request = {"split": [alias names], "laws": {name: law}} where a law is
# {"kind": "uniform", "low", "high"} | {"kind": "normal", "mean", "std"} | {"kind": "constant", "value"} | {"kind": "kept"}.
# Prints one JSON object: {"checker": "ok" | message, "structure": [differences], "tensors": {name: {...}}}.
import sys, json, copy
import numpy as np
import onnx
from onnx import numpy_helper
from scipy import stats

original_path, rewritten_path, request_path = sys.argv[1:4]
request = json.load(open(request_path))
split = set(request.get("split", []))
result = {"structure": [], "tensors": {}}
try:
    onnx.checker.check_model(rewritten_path)
    result["checker"] = "ok"
except Exception as e:  # the checker's own message is the finding
    result["checker"] = str(e)

a = onnx.load(original_path)
b = onnx.load(rewritten_path)
diff = result["structure"]

# Everything but the initializers (and the Identity nodes a split replaces) must be identical, field for field.
a2, b2 = copy.deepcopy(a), copy.deepcopy(b)
a2.graph.ClearField("initializer")
b2.graph.ClearField("initializer")
kept_nodes = [n for n in a2.graph.node if not (n.op_type == "Identity" and n.output[0] in split)]
a2.graph.ClearField("node")
a2.graph.node.extend(kept_nodes)
if a2 != b2:
    for field in ("ir_version", "opset_import", "producer_name", "producer_version", "domain", "model_version", "doc_string", "metadata_props"):
        if getattr(a2, field) != getattr(b2, field):
            diff.append("model." + field)
    for field in ("node", "name", "input", "output", "value_info", "doc_string"):
        if getattr(a2.graph, field) != getattr(b2.graph, field):
            diff.append("graph." + field)
    if not diff:
        diff.append("model differs outside the fields compared one by one")

# Initializers: the original's, in order, each split alias right after its source; same dims and data type.
orig = {t.name: t for t in a.graph.initializer}
names_b = [t.name for t in b.graph.initializer]
expected_names = []
aliases = {n.output[0]: n.input[0] for n in a.graph.node if n.op_type == "Identity" and n.output[0] in split}
for t in a.graph.initializer:
    expected_names.append(t.name)
    expected_names.extend(x for x in request.get("split", []) if aliases.get(x) == t.name)
if names_b != expected_names:
    diff.append("initializer names: %s, expected %s" % (names_b, expected_names))
for t in b.graph.initializer:
    source = orig.get(t.name) or orig.get(aliases.get(t.name, ""))
    if source is None:
        continue
    if list(t.dims) != list(source.dims) or t.data_type != source.data_type:
        diff.append("initializer %s: dims %s type %d, was %s type %d" % (t.name, list(t.dims), t.data_type, list(source.dims), source.data_type))

for t in b.graph.initializer:
    law = request["laws"].get(t.name)
    if law is None:
        continue
    x = numpy_helper.to_array(t).astype(np.float64).ravel()
    r = {"n": int(x.size), "min": float(x.min()), "max": float(x.max()), "finite": bool(np.isfinite(x).all())}
    kind = law["kind"]
    if kind == "kept":
        r["unchanged"] = orig[t.name].SerializeToString() == t.SerializeToString()
    elif kind == "constant":
        r["all_equal"] = bool((x == law["value"]).all())
    else:
        cdf = stats.uniform(law["low"], law["high"] - law["low"]).cdf if kind == "uniform" else stats.norm(law["mean"], law["std"]).cdf
        center = (law["low"] + law["high"]) / 2 if kind == "uniform" else law["mean"]
        r["mean"] = float(x.mean())
        r["second_moment"] = float(((x - center) ** 2).mean())  # about the law's centre
        ks = stats.kstest(x, cdf)
        r["ks_statistic"] = float(ks.statistic)
        r["ks_pvalue"] = float(ks.pvalue)
    result["tensors"][t.name] = r
print(json.dumps(result))
