#!/usr/bin/env bash
# The Debian package on a clean Debian 12: scripts/package --server-only builds it, apt installs it
# into a fresh bookworm root (debootstrap from Debian's mirror; apt resolves its dependencies
# there), and nnjourney-server runs inside: /health answers, the page is served, and a training
# run over 600 real MNIST images completes.
# Usage: deb_chroot.sh SOURCE_DIR WORK_DIR   (NNJ_PACKAGE_BUILD_DIR: the package build folder,
# default WORK_DIR/build)
# Needs root (chroot, mounts), debootstrap and the network to deb.debian.org; without root or
# debootstrap it skips (77) unless CI is set, where that is a failure. The bookworm root is made
# once and kept as a tarball in ${XDG_CACHE_HOME:-~/.cache}/nnjourney (NNJ_DEBIAN_ROOT_CACHE).
set -euo pipefail
source_dir=$1 work=$2

skip() {
  if [[ -n "${CI:-}" ]]; then
    echo "package: $1: a failure, CI is set" >&2
    exit 1
  fi
  echo "package: SKIP: $1" >&2
  exit 77
}
[[ $(id -u) -eq 0 ]] || skip "needs root (debootstrap, chroot and mounts); run as root or in CI"
command -v debootstrap >/dev/null 2>&1 || skip "debootstrap not found (scripts/install-deps --test installs it)"
: "${NNJ_MNIST_DIR:?package: set NNJ_MNIST_DIR to the MNIST folder (scripts/fetch-mnist)}"
mirror="${NNJ_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${NNJ_DEBIAN_ROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nnjourney/debian12-minbase.tar.gz}"
started=$SECONDS

# 1. The package, from the same sources.
debs=$(NNJ_PACKAGE_BUILD_DIR="${NNJ_PACKAGE_BUILD_DIR:-$work/build}" "$source_dir/scripts/package" --server-only |
  grep '\.deb$')
deb=$(grep '/nnjourney-server_[^/]*\.deb$' <<<"$debs")
echo "package: built $deb ($((SECONDS - started)) s)"
dpkg-deb --field "$deb" Package Version Architecture Depends

# 2. A clean bookworm root: the cached tarball, or debootstrap once.
root="$work/root"
# Unmounts what this script mounted and removes the root (never crossing into a mount).
cleanup() {
  local status=$?
  set +e
  if [[ -n "${server_pid:-}" ]]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=""
  fi
  for mount in dev proc; do
    if mountpoint -q "$root/$mount"; then
      umount "$root/$mount" || umount -l "$root/$mount" || { echo "package: cannot unmount $root/$mount" >&2; return 1; }
    fi
  done
  rm -rf --one-file-system "$root"
  return $status
}
trap cleanup EXIT
cleanup || exit 1
set -e
mkdir -p "$root"
if [[ ! -s $cache ]]; then
  echo "package: debootstrap bookworm (minbase) from $mirror, cached in $cache"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  mkdir -p "$(dirname "$cache")"
  tar -C "$root" -czf "$cache.tmp" . && mv "$cache.tmp" "$cache"
else
  tar -C "$root" -xzf "$cache"
fi
echo "package: clean Debian $(cat "$root/etc/debian_version") root ready ($((SECONDS - started)) s)"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"

# 3. apt installs the package and whatever it depends on, from the mirror.
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
in_root apt-get update -q >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; exit 1; }
if ! DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")" \
  >>"$work/apt.log" 2>&1; then
  tail -30 "$work/apt.log" >&2
  exit 1
fi
grep -E '^(Setting up|Unpacking) ' "$work/apt.log" | sed -n 's/^Setting up /  installed /p' | head -40
for file in /usr/bin/nnjourney-server /usr/bin/nnj-train /lib/systemd/system/nnjourney-server.service; do
  [[ -e "$root$file" ]] || { echo "package: $file is not installed" >&2; exit 1; }
done
echo "package: installed with its dependencies ($((SECONDS - started)) s)"

# 4. The server in the root, on a free port, with a small real MNIST and no download.
data="$root/srv/nnjourney"
python3 "$source_dir/tests/isa/make_fixture.py" "$NNJ_MNIST_DIR" "$data/mnist" 600 200
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
in_root /usr/bin/nnjourney-server --host 127.0.0.1 --port "$port" --data-dir /srv/nnjourney --no-download \
  >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do
  curl -fsS "$base/health" >"$work/health.json" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "package: the server exited" >&2; exit 1; }
  sleep 0.2
done
grep -q '"status": *"ok"' "$work/health.json" || { cat "$work/server.log" >&2; echo "package: /health did not answer" >&2; exit 1; }
echo "package: /health: $(cat "$work/health.json")"
curl -fsS "$base/" >"$work/index.html"
grep -qi '<html' "$work/index.html" && grep -q 'vendor/three' "$work/index.html" ||
  { head -c 400 "$work/index.html" >&2; echo "package: / is not the web page" >&2; exit 1; }
echo "package: / serves the web page ($(wc -c <"$work/index.html") bytes)"

# Teaching pauses would hold the run for seconds at a time: off, then one full run.
curl -fsS -X POST -H 'Content-Length: 0' "$base/set-teaching-mode?enabled=false" >/dev/null
curl -fsS -X POST -H 'Content-Length: 0' "$base/start-training" >"$work/start.json"
echo "package: /start-training: $(cat "$work/start.json")"
grep -q '"started"' "$work/start.json" || exit 1
outcome=none
for _ in $(seq 600); do
  curl -fsS "$base/api/state" >"$work/state.json"
  outcome=$(python3 - "$work/state.json" <<'PY'
import json, sys
state = json.load(open(sys.argv[1]))
if state["run_state"] != "idle" or state["last_outcome"] == "none":
    print("running")
else:
    s, h = state["settings"], state["history"]
    print(f"{state['last_outcome']}: {s['epochs']} epochs of {state['stats']['batches_per_epoch']} batches, "
          f"test accuracy {h['test_accuracy'][-1] if h['test_accuracy'] else 'none'}")
PY
  )
  [[ $outcome == running ]] || break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "package: the server exited" >&2; exit 1; }
  sleep 0.5
done
echo "package: training run: $outcome"
[[ $outcome == finished:* ]] || { cat "$work/server.log" >&2; echo "package: the run did not finish" >&2; exit 1; }
echo "package: passed in $((SECONDS - started)) s"
