#!/usr/bin/env bash
# Benchmarks cnnshape against its peers, measured alternately in the same run, and writes BENCHMARKS.md.
#   bench/run.sh            (needs Debian's python3-torch, python3-torchvision, python3-onnx; about 3 minutes)
# Medians of 3 alternated runs; peak memory from /usr/bin/time (-f %M, KB).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="${BENCH_DIR:-/tmp/cnnshape-bench}"
py=/usr/bin/python3
"$root/scripts/publish-aot"
bin="$root/.build/aot/CnnShape.Cli"
$py "$root/bench/make_inputs.py" "$scratch"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo "scale=4; ($e - $s)/1000000000" | bc; }
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

# ---- layer batch: cnnshape layer --batch vs PyTorch shape capture on meta tensors
lines=$(wc -l < "$scratch/layers.jsonl")
ours=(); torch=()
for i in 1 2 3; do
  ours+=("$(seconds "$bin" layer --batch "$scratch/layers.jsonl")")
  torch+=("$($py "$root/bench/torch_layers.py" "$scratch/layers.jsonl" 5000)")
done
ours_s=$(printf '%s\n' "${ours[@]}" | median)
ours_rate=$(echo "$lines / $ours_s" | bc)
torch_rate=$(printf '%s\n' "${torch[@]}" | median)
layer_ratio=$(echo "scale=1; $ours_rate / $torch_rate" | bc)

# ---- ONNX: cnnshape net vs onnx.load + infer_shapes, on files with their weights
onnx_rows=""
for model in resnet50 vgg16; do
  f="$scratch/$model.onnx"
  size=$(( $(stat -c %s "$f") / 1048576 ))
  o=(); p=()
  for i in 1 2 3; do
    o+=("$(seconds "$bin" net "$f" --json)")
    p+=("$($py "$root/bench/onnx_peer.py" "$f")")
  done
  os=$(printf '%s\n' "${o[@]}" | median); ps=$(printf '%s\n' "${p[@]}" | median)
  mem=$(peak_kb "$bin" net "$f" --json)
  pmem=$(peak_kb $py "$root/bench/onnx_peer.py" "$f")
  onnx_rows+="| $model | $size MB | $os s | $ps s | $(echo "scale=0; $ps / $os" | bc)× | $((mem / 1024)) MB | $((pmem / 1024)) MB |"$'\n'
done

# ---- micro-benchmarks (BenchmarkDotNet, short job)
micro=$(cd "$root" && dotnet run -c Release --project bench/CnnShape.Bench -- --job short --filter '*' 2>/dev/null | grep -E '^\| (Method|LayerParse|ShapeStep|FieldStep|OnnxRead)|^\|-' || true)

# ---- deep networks: 1k / 10k / 100k layers end to end
deep_rows=""
for n in 1000 10000 100000; do
  t=(); for i in 1 2 3; do t+=("$(seconds "$bin" net "$scratch/deep$n.txt" --json)"); done
  deep_rows+="| $n | $(printf '%s\n' "${t[@]}" | median) s |"$'\n'
done

# ---- start-up: one layer end to end
st=(); for i in $(seq 1 21); do st+=("$(seconds "$bin" layer "nn.Conv2d(3, 64, 7, stride=2, padding=3)" --input 1x3x224x224 --json)"); done
startup=$(printf '%s\n' "${st[@]}" | median)
startup_ms=$(echo "$startup * 1000" | bc)

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
cat > "$root/BENCHMARKS.md" <<MD
# Benchmarks

Measured by \`bench/run.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GiB,
the native AOT binary (\`scripts/publish-aot\`), peers from Debian's python3-torch $($py -c 'import torch; print(torch.__version__)')
and python3-onnx $($py -c 'import onnx; print(onnx.__version__)'). Medians of 3 runs, ours and the peer alternated.

## Layer batch

| | layers a second |
|---|---:|
| \`cnnshape layer --batch\` ($lines lines) | $ours_rate |
| PyTorch shape capture on meta tensors (5,000 layers) | $torch_rate |
| ratio | ${layer_ratio}× |

## ONNX (files with their weights; cnnshape skips the weight bytes)

| model | file | cnnshape | onnx.load + infer_shapes | ratio | cnnshape peak memory | onnx peak memory |
|---|---:|---:|---:|---:|---:|---:|
$onnx_rows
The time does not grow with the weight bytes: the reader seeks past them (compare the 97 MB and 527 MB rows).

## Micro-benchmarks (BenchmarkDotNet, \`dotnet run -c Release --project bench/CnnShape.Bench -- --job short\`)

$micro

## Deep networks (conv/BN/ReLU chains, end to end)

| layers | time |
|---:|---:|
$deep_rows
## Start-up

\`cnnshape layer "nn.Conv2d(3, 64, 7, stride=2, padding=3)" --input 1x3x224x224 --json\` end to end: median of 21 runs
$startup_ms ms.
MD
cat "$root/BENCHMARKS.md"
