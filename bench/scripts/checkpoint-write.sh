#!/usr/bin/env bash
# Checkpoint writing against the disk, in the same run: dd's sequential write bandwidth, then `weightinit init` writing a
# GPT-2-shaped model of 1,098,705,408 float32 parameters (4.39 GB) as safetensors shards; both flush to disk at the end
# (dd: conv=fdatasync; weightinit: fsync of every file before its rename). Two rounds, alternating, since a shared disk drifts.
# Usage: bench/scripts/checkpoint-write.sh [DIR] [PRESET] [ROUNDS]   (DIR needs ~5 GB free; it is removed afterwards)
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-/tmp/weightinit-ckpt-bench}
preset=${2:-gpt2(n_layer=36, n_embd=1536)}
rounds=${3:-2}
dotnet build -c Release src/WeightInit.Cli -v q -nologo >/dev/null
cli=src/WeightInit.Cli/bin/Release/net10.0/WeightInit.Cli.dll
for round in $(seq "$rounds"); do
  rm -rf "$dir" && mkdir -p "$dir"
  echo "== round $round: dd, 4 GiB sequential write, fdatasync at the end"
  /usr/bin/time -v dd if=/dev/zero of="$dir/dd.bin" bs=8M count=512 conv=fdatasync 2>&1 | grep -E "copied|User time|System time"
  rm -f "$dir/dd.bin"; sync
  echo "== round $round: weightinit init --preset '$preset' --shard-size 2GB (f32)"
  start=$(date +%s.%N)
  /usr/bin/time -v dotnet "$cli" init --preset "$preset" --out "$dir/ckpt" --shard-size 2GB --seed 1 2>&1 \
    | grep -E "parameters|wrote model|Elapsed|Maximum resident|Percent of CPU|User time|System time"
  end=$(date +%s.%N)
  bytes=$(du -sb "$dir/ckpt" | cut -f1)
  awk -v b="$bytes" -v s="$start" -v e="$end" 'BEGIN { printf "weightinit: %.0f bytes in %.1f s, %.0f MB/s (whole process, start-up included)\n", b, e - s, b / (e - s) / 1e6 }'
done
rm -rf "$dir"
