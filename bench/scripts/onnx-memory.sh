#!/usr/bin/env bash
# Peak memory of rewriting an ONNX model (issue 13: "the ONNX path streams: peak memory at most the model's protobuf plus the
# writer's chunks, never a second copy"). Builds, with /usr/bin/python3 and Debian's onnx, a chain of MatMuls whose
# initializers total about GIB GiB of float32 — once with the data inline in the protobuf, once as external data beside a
# small protobuf — and runs `weightinit init --model big.onnx --format onnx --out new.onnx` under /usr/bin/time -v on each,
# and on a one-tensor model for the process's own baseline (the .NET runtime and the CLI). Prints peak RSS against the
# model's sizes. Memory figures do not depend on machine load; the wall times printed by time -v are not figures to quote.
# Usage: bench/scripts/onnx-memory.sh [DIR] [GIB]   (DIR needs about 4·GIB GiB free; it is removed afterwards). Default 1 GiB.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-/tmp/weightinit-onnx-memory}
gib=${2:-1}
rm -rf "$dir" && mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT
dotnet build -c Release src/WeightInit.Cli -v q -nologo >/dev/null
cli=src/WeightInit.Cli/bin/Release/net10.0/WeightInit.Cli.dll

# Square [8192, 8192] float32 weights of 256 MiB each (round(4·GIB) of them), MatMul'd in a chain.
/usr/bin/python3 - "$dir" "$gib" <<'EOF'
import os, sys
import numpy as np
import onnx
from onnx import helper, TensorProto

out, gib = sys.argv[1], float(sys.argv[2])
side = 8192
rows = [side] * max(1, round(gib * 4))  # 256 MiB per [8192, 8192] float32 weight
def model(name, external):
    inits, nodes, width = [], [], None
    data = open(os.path.join(out, name + ".data"), "wb") if external else None
    offset = 0
    prev = "x"
    for i, r in enumerate(rows):
        t = TensorProto(name=f"layer{i}.weight", data_type=TensorProto.FLOAT, dims=[r, side])
        n = r * side * 4
        if external:
            chunk = np.zeros(1 << 22, dtype=np.float32).tobytes()
            left = n
            while left > 0:
                k = min(left, len(chunk)); data.write(chunk[:k]); left -= k
            t.data_location = TensorProto.EXTERNAL
            for key, value in (("location", name + ".data"), ("offset", str(offset)), ("length", str(n))):
                e = t.external_data.add(); e.key = key; e.value = value
            offset += n
        else:
            t.raw_data = bytes(n)
        inits.append(t)
        nodes.append(helper.make_node("MatMul", [prev, t.name], [f"h{i}"], name=f"matmul{i}"))
        prev = f"h{i}"
        if width is None: width = r
    if data: data.close()
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, width])],
                              [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [1, side])], initializer=inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(m.SerializeToString())
    del m, graph, inits

model("inline", False)
model("external", True)
# The baseline: one 64 × 64 MatMul.
rows = [64]; side = 64
model("tiny", False)
EOF

run() {  # name: prints peak RSS in kB
  mkdir -p "$dir/out-$1"
  /usr/bin/time -v dotnet "$cli" init --model "$dir/$1.onnx" --format onnx --out "$dir/out-$1/new.onnx" --seed 1 \
    >"$dir/$1.log" 2>&1 || { cat "$dir/$1.log"; exit 1; }
  grep -E "Maximum resident" "$dir/$1.log" | awk '{ print $NF }'
}
base=$(run tiny)
inline=$(run inline)
external=$(run external)
size() { stat -c %s "$1"; }
awk -v base="$base" -v inl="$inline" -v ext="$external" \
    -v pi="$(size "$dir/inline.onnx")" -v pe="$(size "$dir/external.onnx")" -v de="$(size "$dir/external.data")" \
    -v oi="$(size "$dir/out-inline/new.onnx")" -v od="$(size "$dir/out-external/external.data")" 'BEGIN {
  mib = 1048576
  printf "baseline (one 64x64 MatMul): peak RSS %.1f MiB\n", base * 1024 / mib
  printf "inline:   protobuf %.1f MiB (written: %.1f MiB); peak RSS %.1f MiB = baseline + %.1f MiB = baseline + %.3f x protobuf\n",
         pi / mib, oi / mib, inl * 1024 / mib, (inl - base) * 1024 / mib, (inl - base) * 1024 / pi
  printf "external: protobuf %.3f MiB + data %.1f MiB (written: %.1f MiB); peak RSS %.1f MiB = baseline + %.1f MiB = baseline + %.4f x data\n",
         pe / mib, de / mib, od / mib, ext * 1024 / mib, (ext - base) * 1024 / mib, (ext - base) * 1024 / de
}'
