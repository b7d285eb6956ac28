#!/usr/bin/env bash
# Benchmarks cnnshape against its peers, measured alternately in the same run, and writes BENCHMARKS.md.
#   bench/run.sh            (needs Debian's python3-torch, python3-torchvision, python3-onnx and git; about 8 minutes)
# Everything is measured through ./cnnshape in a fresh clone of this repository (after its first run, as the README
# tells users to run it) and through the native binary directly. Medians of 3 (21 for start-up) alternated runs;
# peak memory from /usr/bin/time (-f %M, KB).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="${BENCH_DIR:-/tmp/cnnshape-bench}"
py=/usr/bin/python3
$py "$root/bench/make_inputs.py" "$scratch"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo "scale=4; ($e - $s)/1000000000" | bc; }
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
ms() { printf "%.1f" "$(echo "scale=2; $1 * 1000" | bc)"; }
ratio() { printf "%.1f" "$(echo "scale=2; $1 / $2" | bc)"; }

# ---- a fresh clone, run as the README says: the first run builds the native binary
clone="$scratch/clone"
rm -rf "$clone"
git clone -q "$root" "$clone"
first=$(seconds "$clone/cnnshape" | xargs printf '%.0f')
launcher="$clone/cnnshape"
binary="$clone/.build/aot/CnnShape.Cli"
[ -x "$binary" ] || { echo "the launcher did not build the native binary" >&2; exit 1; }

# ---- start-up: one layer end to end, against python3 -c pass
declare -A start
pass=()
for via in launcher binary; do start[$via]=""; done
for i in $(seq 1 21); do
  pass+=("$(seconds $py -c pass)")
  for via in launcher binary; do
    start[$via]+="$(seconds "${!via}" layer "nn.Conv2d(3, 64, 7, stride=2, padding=3)" --input 1x3x224x224 --json)"$'\n'
  done
done
pass_s=$(printf '%s\n' "${pass[@]}" | median)
start_rows=""
for via in launcher binary; do
  s=$(printf '%s' "${start[$via]}" | median)
  start_rows+="| \`$via\` | $(ms "$s") ms | $(ratio "$s" "$pass_s")× |"$'\n'
done

# ---- layer batch: cnnshape layer --batch vs PyTorch shape capture on meta tensors
batch_rows=""
torch=()
for i in 1 2 3; do torch+=("$($py "$root/bench/torch_layers.py" "$scratch/layers.jsonl" 5000)"); done
torch_rate=$(printf '%s\n' "${torch[@]}" | median)
for file in layers distinct; do
  lines=$(wc -l < "$scratch/$file.jsonl")
  for via in launcher binary; do
    t=(); for i in 1 2 3; do t+=("$(seconds "${!via}" layer --batch "$scratch/$file.jsonl")"); done
    s=$(printf '%s\n' "${t[@]}" | median)
    rate=$(echo "$lines / $s" | bc)
    batch_rows+="| $file ($lines lines) | \`$via\` | $rate | $(ratio "$rate" "$torch_rate")× |"$'\n'
  done
done

# ---- ONNX: cnnshape net vs onnx.load + infer_shapes, on files with their weights
onnx_rows=""
for model in vgg16 resnet50; do
  f="$scratch/$model.onnx"
  size=$(( $(stat -c %s "$f") / 1048576 ))
  p=(); for i in 1 2 3; do p+=("$($py "$root/bench/onnx_peer.py" "$f")"); done
  ps=$(printf '%s\n' "${p[@]}" | median)
  pmem=$(peak_kb $py "$root/bench/onnx_peer.py" "$f")
  for via in launcher binary; do
    o=(); for i in 1 2 3; do o+=("$(seconds "${!via}" net "$f" --json)"); done
    os=$(printf '%s\n' "${o[@]}" | median)
    mem=$(peak_kb "${!via}" net "$f" --json)
    onnx_rows+="| $model | $size MB | \`$via\` | $(ms "$os") ms | $ps s | $(echo "scale=0; $ps / $os" | bc)× | $((mem / 1024)) MB | $((pmem / 1024)) MB |"$'\n'
  done
done
g=(); for i in 1 2 3; do g+=("$(seconds "$launcher" net "$scratch/deep10000.onnx" --json)"); done
onnx10k=$(ms "$(printf '%s\n' "${g[@]}" | median)")

# ---- deep networks: 1k to 1M layers end to end
deep_rows=""
for n in 1000 10000 100000 1000000; do
  t=(); for i in 1 2 3; do t+=("$(seconds "$launcher" net "$scratch/deep$n.txt" --json)"); done
  s=$(printf '%s\n' "${t[@]}" | median)
  mem=$(peak_kb "$launcher" net "$scratch/deep$n.txt" --json)
  deep_rows+="| $n | $s s | $(echo "scale=2; $s * 1000000 / $n" | bc) µs | $((mem / 1024)) MB |"$'\n'
done

# ---- Python source: a 2,000-line model file, read and run, against PyTorch importing and running it
ours=(); peer=()
for i in 1 2 3; do
  ours+=("$(seconds "$launcher" net "$scratch/big.py" --input 1x3x32x32 --json)")
  peer+=("$($py "$root/bench/python_peer.py" "$scratch/big.py" Big 1x3x32x32)")
done
py_ours=$(printf '%s\n' "${ours[@]}" | median); py_peer=$(printf '%s\n' "${peer[@]}" | median)

# ---- web: 10,000 requests, 100 at a time, on loopback
port=$((20000 + RANDOM % 20000))
"$launcher" serve --port "$port" > "$scratch/serve.out" 2>&1 &
server=$!
for i in $(seq 1 100); do grep -q http "$scratch/serve.out" && break; sleep 0.1; done
load() { (cd "$root" && dotnet run -c Release --project bench/CnnShape.Bench -- load "http://127.0.0.1:$port" "$1" "$scratch/$2" 10000 100); }
web_layer=$(load /api/layer layer_request.json)
web_net=$(load /api/net net_request.json)
kill "$server"; wait "$server" 2>/dev/null || true
web_row() { echo "$1" | $py -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); q=chr(96); print(f\"| {q}{d['endpoint']}{q} | {d['requests']:,} | {d['concurrency']} | {d['failures']} | {d['p50_ms']} ms | {d['p99_ms']} ms | {d['per_second']:,} |\")"; }

# ---- micro-benchmarks (BenchmarkDotNet, short job)
micro=$(cd "$root" && dotnet run -c Release --project bench/CnnShape.Bench -- --job short --filter '*' 2>/dev/null | grep -E '^\| (Method|LayerParse|ShapeStep|FieldStep|OnnxRead|PythonRead)|^\|-' || true)

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
cat > "$root/BENCHMARKS.md" <<MD
# Benchmarks

Measured by \`bench/run.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GiB; peers from
Debian's python3-torch $($py -c 'import torch; print(torch.__version__)') and python3-onnx $($py -c 'import onnx; print(onnx.__version__)').
Every figure is measured through \`./cnnshape\` in a fresh clone of the repository, after its first run (which built
the native binary in $first s), and — where it differs — through that binary directly. Medians of 3 runs (21 for
start-up), ours and the peer alternated.

## Start-up: one layer, end to end

\`cnnshape layer "nn.Conv2d(3, 64, 7, stride=2, padding=3)" --input 1x3x224x224 --json\` against \`python3 -c pass\`
($(ms "$pass_s") ms, Python doing nothing).

| run through | time | × python3 -c pass |
|---|---:|---:|
$start_rows
## Layer batch

\`cnnshape layer --batch\` (both cores, answers in order) against PyTorch shape capture on meta tensors ($torch_rate
layers a second on 5,000 of the same lines). \`layers\` samples the oracle's cases (requests repeat, and a repeated
request — refused or not — is answered from the first); \`distinct\` has no two requests alike.

| file | run through | layers a second | × PyTorch |
|---|---|---:|---:|
$batch_rows
## ONNX (files with their weights; cnnshape seeks past the weight bytes)

| model | file | run through | cnnshape | onnx.load + infer_shapes | ratio | cnnshape peak memory | onnx peak memory |
|---|---:|---|---:|---:|---:|---:|---:|
$onnx_rows
A 10,000-node graph (5,000 convolutions with their weights, 5,000 ReLUs): $onnx10k ms through \`./cnnshape\`.

## Deep networks (conv/BN/ReLU chains in layer lines, \`net --json\` end to end through \`./cnnshape\`)

| layers | time | per layer | peak memory |
|---:|---:|---:|---:|
$deep_rows
## Python source

A 2,000-line model file (109 block classes, 655 calls): \`cnnshape net big.py --json\` $(ms "$py_ours") ms; PyTorch
importing it, building the model and running it once (torch's import included, as a user running the file waits
for it): $py_peer s — $(echo "scale=0; $py_peer / $py_ours" | bc)×.

## Web API (\`cnnshape serve\` on loopback, 10,000 requests, 100 at a time)

| endpoint | requests | concurrent | failures | p50 | p99 | requests a second |
|---|---:|---:|---:|---:|---:|---:|
$(web_row "$web_layer")
$(web_row "$web_net")

## Micro-benchmarks (BenchmarkDotNet, \`dotnet run -c Release --project bench/CnnShape.Bench -- --job short\`)

$micro
MD
cat "$root/BENCHMARKS.md"
