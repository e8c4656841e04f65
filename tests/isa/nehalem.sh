#!/usr/bin/env bash
# The portable nnj-train on an x86-64 CPU without AVX: trains on 600 real MNIST images under
# `qemu-x86_64 -cpu Nehalem` (x86-64-v2, SSE4.2, no AVX) and must neither die of SIGILL nor
# differ from this build's own nnj-train, run natively, beyond the rounding of other kernels.
# Usage: nehalem.sh PORTABLE_NNJ_TRAIN NATIVE_NNJ_TRAIN AVX2_PROBE WORK_DIR
# Needs NNJ_MNIST_DIR and Debian's qemu-user (scripts/install-deps --test). Without qemu it
# skips (exit 77) unless CI is set, where that is a failure.
set -euo pipefail
portable=$1 native=$2 probe=$3 work=$4

if ! command -v qemu-x86_64 >/dev/null 2>&1; then
  if [[ -n "${CI:-}" ]]; then
    echo "isa: qemu-x86_64 not found (Debian package qemu-user, scripts/install-deps --test): a failure, CI is set" >&2
    exit 1
  fi
  echo "isa: SKIP: qemu-x86_64 not found; scripts/install-deps --test installs qemu-user" >&2
  exit 77
fi
: "${NNJ_MNIST_DIR:?isa: set NNJ_MNIST_DIR to the MNIST folder (scripts/fetch-mnist)}"

rm -rf "$work"
mkdir -p "$work"
python3 "$(dirname "$0")/make_fixture.py" "$NNJ_MNIST_DIR" "$work/mnist" 600 200

# The emulator must enforce the CPU model: an AVX2 instruction dies there with SIGILL (132).
set +e
qemu-x86_64 -cpu Nehalem "$probe" 2>/dev/null
status=$?
set -e
if [[ $status -ne 132 ]]; then
  echo "isa: the AVX2 probe exited with $status under qemu -cpu Nehalem, expected 132 (SIGILL):" \
    "this qemu does not emulate an AVX-less CPU, so the test would prove nothing" >&2
  exit 1
fi
echo "isa: AVX2 probe under qemu -cpu Nehalem: SIGILL, as it must"

args=(--data "$work/mnist" --epochs 2 --batch 32 --layers 784,64,32,10 --lr 0.05 --seed 7 --threads 2 --json)
run() { # label, command...
  local label=$1
  shift
  set +e
  "$@" "${args[@]}" >"$work/$label.json" 2>"$work/$label.err"
  local code=$?
  set -e
  if [[ $code -ne 0 ]]; then
    cat "$work/$label.err" >&2
    [[ $code -eq 132 ]] && echo "isa: $label died of SIGILL" >&2
    echo "isa: $label exited with $code" >&2
    exit 1
  fi
  echo "isa: $label: $(tail -n 1 "$work/$label.json")"
}
run nehalem qemu-x86_64 -cpu Nehalem "$portable"
run portable-native "$portable"
run native "$native"

# Same data, seed and order: only the kernels' rounding differs (SSE vs AVX-512, FMA or not).
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
runs = {name: json.loads(open(f"{work}/{name}.json").read().strip().splitlines()[-1])
        for name in ("nehalem", "portable-native", "native")}
reference = runs["native"]
failed = False
for name in ("nehalem", "portable-native"):
    r = runs[name]
    loss_diff = abs(r["test_loss"] - reference["test_loss"])
    acc_diff = abs(r["test_accuracy"] - reference["test_accuracy"])
    ok = loss_diff <= 0.01 * reference["test_loss"] and acc_diff <= 0.015
    failed |= not ok
    print(f"isa: {name} vs native: test loss {r['test_loss']:.6f} vs {reference['test_loss']:.6f} "
          f"(|diff| {loss_diff:.2e}, limit 1%), accuracy {r['test_accuracy']:.4f} vs "
          f"{reference['test_accuracy']:.4f} (|diff| {acc_diff:.4f}, limit 0.015): {'ok' if ok else 'FAIL'}")
sys.exit(1 if failed else 0)
PY
