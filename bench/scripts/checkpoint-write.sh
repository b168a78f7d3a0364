#!/usr/bin/env bash
# Checkpoint writing against the disk, in the same run: dd's sequential write bandwidth, then `weightinit init` writing a
# GPT-2-shaped model of 1,098,705,408 float32 parameters (4.39 GB) as safetensors shards; both flush to disk at the end
# (dd: conv=fdatasync; weightinit: fsync of every file before its rename). Each round runs dd buffered, dd with oflag=direct
# (past the page cache), weightinit by default (tensor data past the page cache on Linux) and weightinit --buffered.
# Two rounds, alternating, since a shared disk drifts.
# Usage: bench/scripts/checkpoint-write.sh [DIR] [PRESET] [ROUNDS] [DTYPE] [SHARD_SIZE] [DD_GIB]
#   (DIR needs the checkpoint's size free; it is removed afterwards). Defaults: f32, 2GB shards, 4 GiB for dd.
#   llama-2-7b in bf16: bench/scripts/checkpoint-write.sh /tmp/wi-llama llama-2-7b 2 bf16 5GB 13
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-/tmp/weightinit-ckpt-bench}
preset=${2:-gpt2(n_layer=36, n_embd=1536)}
rounds=${3:-2}
dtype=${4:-f32}
shard=${5:-2GB}
dd_gib=${6:-4}
dotnet build -c Release src/WeightInit.Cli -v q -nologo >/dev/null
cli=src/WeightInit.Cli/bin/Release/net10.0/WeightInit.Cli.dll
for round in $(seq "$rounds"); do
  rm -rf "$dir" && mkdir -p "$dir"
  for flag in "" "oflag=direct"; do
    echo "== round $round: dd $flag, $dd_gib GiB sequential write, fdatasync at the end"
    /usr/bin/time -v dd if=/dev/zero of="$dir/dd.bin" bs=8M count=$((dd_gib * 128)) $flag conv=fdatasync 2>&1 | grep -E "copied|User time|System time"
    rm -f "$dir/dd.bin"; sync
  done
  for extra in "" "--buffered"; do
    echo "== round $round: weightinit init --preset '$preset' --shard-size $shard ($dtype) $extra"
    start=$(date +%s.%N)
    /usr/bin/time -v dotnet "$cli" init --preset "$preset" --out "$dir/ckpt" --shard-size "$shard" --dtype "$dtype" --seed 1 $extra 2>&1 \
      | grep -E "parameters|wrote model|Elapsed|Maximum resident|Percent of CPU|User time|System time"
    end=$(date +%s.%N)
    bytes=$(du -sb "$dir/ckpt" | cut -f1)
    awk -v b="$bytes" -v s="$start" -v e="$end" -v x="$extra" 'BEGIN { printf "weightinit %s: %.0f bytes in %.1f s, %.0f MB/s (whole process, start-up included)\n", x, b, e - s, b / (e - s) / 1e6 }'
    rm -rf "$dir/ckpt"; sync
  done
done
rm -rf "$dir"
