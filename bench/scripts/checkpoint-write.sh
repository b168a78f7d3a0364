#!/usr/bin/env bash
# Checkpoint writing against the disk: dd's sequential write bandwidth, then `weightinit init` writing a GPT-2-shaped
# model of about 1.1e9 float32 parameters (4.4 GB) as safetensors shards, both flushed to disk, in the same run.
# Usage: bench/scripts/checkpoint-write.sh [DIR] [PRESET]   (DIR must have ~9 GB free; it is emptied afterwards)
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-/tmp/weightinit-ckpt-bench}
preset=${2:-gpt2(n_layer=36, n_embd=1536)}
dotnet build -c Release src/WeightInit.Cli -v q -nologo >/dev/null
cli=src/WeightInit.Cli/bin/Release/net10.0/WeightInit.Cli.dll
rm -rf "$dir" && mkdir -p "$dir"
echo "== dd: 4 GiB sequential write, fdatasync at the end"
dd if=/dev/zero of="$dir/dd.bin" bs=8M count=512 conv=fdatasync 2>&1 | tail -1
rm -f "$dir/dd.bin"
echo "== weightinit init --preset '$preset' (f32, 2GB shards)"
/usr/bin/time -v dotnet "$cli" init --preset "$preset" --out "$dir/ckpt" --shard-size 2GB --seed 1 2>&1 \
  | grep -E "parameters|wrote model|Elapsed|Maximum resident|Percent of CPU"
du -sb "$dir/ckpt"
rm -rf "$dir"
