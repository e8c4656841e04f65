#!/usr/bin/env bash
# A Debian package on a clean Debian 12: scripts/package builds it, apt installs it into a fresh
# bookworm root (debootstrap from Debian's mirror; apt resolves its dependencies there, without
# recommends, so the package's own Depends must be enough), and the program runs inside.
#   server:  nnjourney-server (scripts/package --server-only): /health answers, the page is
#            served, and a training run over 600 real MNIST images completes.
#   desktop: nnjourney (the full scripts/package): the launcher, metadata and icons are installed;
#            --version and --help answer; --headless serves /health and stops on SIGTERM; the
#            window comes up on an X server (Xvfb on this machine, reached through its socket),
#            the in-process server answers /health, a training run completes while the window
#            shows it, and the window's WM_CLASS matches the launcher's StartupWMClass.
#   unit:    nnjourney-server as its systemd unit runs it: the root boots systemd in
#            systemd-nspawn, the enabled unit starts the server (dynamic user, the hardening),
#            /health answers, a training run with the join token completes, the model is autosaved
#            in the state folder, and systemd-analyze rates the running unit at most 4.0.
# Usage: deb_chroot.sh SOURCE_DIR WORK_DIR [server|desktop|unit]   (default server;
# NNJ_PACKAGE_BUILD_DIR: the package build folder, default WORK_DIR/build). The desktop run leaves
# the screen as WORK_DIR/window.png.
# Needs root (chroot, mounts), debootstrap and the network to deb.debian.org (the desktop run also
# Xvfb, the unit run systemd-nspawn); without them it skips (77) unless CI is set, where that is a
# failure. The bookworm root is made once and kept as a tarball in
# ${XDG_CACHE_HOME:-~/.cache}/nnjourney (NNJ_DEBIAN_ROOT_CACHE).
set -euo pipefail
source_dir=$1 work=$2 kind=${3:-server}
case $kind in
  server | desktop | unit) ;;
  *) echo "package: unknown kind '$kind' (expected server, desktop or unit)" >&2; exit 2 ;;
esac

skip() {
  if [[ -n "${CI:-}" ]]; then
    echo "package: $1: a failure, CI is set" >&2
    exit 1
  fi
  echo "package: SKIP: $1" >&2
  exit 77
}
fail() {
  echo "package: $1" >&2
  exit 1
}
[[ $(id -u) -eq 0 ]] || skip "needs root (debootstrap, chroot and mounts); run as root or in CI"
command -v debootstrap >/dev/null 2>&1 || skip "debootstrap not found (scripts/install-deps --test installs it)"
if [[ $kind == desktop ]]; then
  command -v Xvfb >/dev/null 2>&1 || skip "Xvfb not found (scripts/install-deps --test installs it)"
fi
if [[ $kind == unit ]]; then
  command -v systemd-nspawn >/dev/null 2>&1 || skip "systemd-nspawn not found (Debian's systemd-container)"
fi
: "${NNJ_MNIST_DIR:?package: set NNJ_MNIST_DIR to the MNIST folder (scripts/fetch-mnist)}"
mirror="${NNJ_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${NNJ_DEBIAN_ROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nnjourney/debian12-minbase.tar.gz}"
started=$SECONDS
mkdir -p "$work"

# 1. The package, from the same sources.
if [[ $kind != desktop ]]; then
  debs=$(NNJ_PACKAGE_BUILD_DIR="${NNJ_PACKAGE_BUILD_DIR:-$work/build}" "$source_dir/scripts/package" --server-only |
    grep '\.deb$')
  deb=$(grep '/nnjourney-server_[^/]*\.deb$' <<<"$debs")
else
  debs=$(NNJ_PACKAGE_BUILD_DIR="${NNJ_PACKAGE_BUILD_DIR:-$work/build}" "$source_dir/scripts/package" |
    grep '\.deb$')
  deb=$(grep '/nnjourney_[^/]*\.deb$' <<<"$debs") || fail "scripts/package made no nnjourney_*.deb: $debs"
fi
echo "package: built $deb ($((SECONDS - started)) s)"
dpkg-deb --field "$deb" Package Version Architecture Depends Recommends
version=$(dpkg-deb --field "$deb" Version)

# 2. A clean bookworm root: the cached tarball, or debootstrap once.
root="$work/root"
# Stops what this script started, unmounts what it mounted and removes the root (never crossing
# into a mount).
cleanup() {
  local status=$?
  set +e
  for pid in ${app_pid:-} ${xvfb_pid:-}; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  app_pid="" xvfb_pid=""
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
root_env=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8)
in_root() { chroot "$root" "${root_env[@]}" "$@"; }
in_root apt-get update -q >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; exit 1; }
extra=()
[[ $kind == unit ]] && extra=(systemd)
if ! in_root DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")" "${extra[@]}" \
  >>"$work/apt.log" 2>&1; then
  tail -30 "$work/apt.log" >&2
  exit 1
fi
echo "package: apt installed $(grep -c '^Setting up ' "$work/apt.log") packages, among them:"
grep '^Setting up ' "$work/apt.log" | sed 's/^Setting up /  /' | grep -E "^  (nnjourney|libqt6|qt6-|libgl1|libglx|libgl1-mesa-dri|fonts-|libxcb1)" | head -40
if [[ $kind != desktop ]]; then
  files=(/usr/bin/nnjourney-server /usr/bin/nnj-train /lib/systemd/system/nnjourney-server.service)
else
  files=(/usr/bin/nnjourney /usr/share/applications/io.github.nnjourney.desktop
    /usr/share/metainfo/io.github.nnjourney.metainfo.xml /usr/share/icons/hicolor/scalable/apps/io.github.nnjourney.svg
    /usr/share/icons/hicolor/64x64/apps/io.github.nnjourney.png /usr/share/icons/hicolor/256x256/apps/io.github.nnjourney.png)
fi
for file in "${files[@]}"; do
  [[ -e "$root$file" ]] || fail "$file is not installed"
done
echo "package: installed with its dependencies ($((SECONDS - started)) s)"

# 4. The program in the root, on a free port, with a small real MNIST and no download. Started
# with chroot itself in the background (not through a function), so that $! is the program's
# own process: chroot and env exec it.
if [[ $kind == unit ]]; then
  # The unit's state folder, as systemd makes it for a dynamic user (it hands it over at start).
  mkdir -p "$root/var/lib/private"
  chmod 700 "$root/var/lib/private"
  python3 "$source_dir/tests/isa/make_fixture.py" "$NNJ_MNIST_DIR" "$root/var/lib/private/nnjourney/mnist" 600 200
else
  python3 "$source_dir/tests/isa/make_fixture.py" "$NNJ_MNIST_DIR" "$root/srv/nnjourney/mnist" 600 200
fi
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_health PID LOG: /health of $base answers {"status":"ok"} while PID runs (up to 60 s: the
# desktop app first brings up Qt 3D on a software renderer).
wait_health() {
  for _ in $(seq 300); do
    curl -fsS "$base/health" >"$work/health.json" 2>/dev/null && break
    kill -0 "$1" 2>/dev/null || { cat "$2" >&2; fail "the program exited before /health answered"; }
    sleep 0.2
  done
  grep -q '"status": *"ok"' "$work/health.json" || { cat "$2" >&2; fail "/health did not answer"; }
  echo "package: /health: $(cat "$work/health.json")"
}
# run_training PID LOG: one full training run through the HTTP API (teaching pauses off: they
# would hold the run for seconds at a time), with the join token in $auth when there is one.
auth=()
run_training() {
  curl -fsS -X POST "${auth[@]}" -H 'Content-Length: 0' "$base/set-teaching-mode?enabled=false" >/dev/null
  curl -fsS -X POST "${auth[@]}" -H 'Content-Length: 0' "$base/start-training" >"$work/start.json"
  echo "package: /start-training: $(cat "$work/start.json")"
  grep -q '"started"' "$work/start.json" || fail "the run did not start"
  local outcome=none
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
    kill -0 "$1" 2>/dev/null || { cat "$2" >&2; fail "the program exited during the run"; }
    sleep 0.5
  done
  echo "package: training run: $outcome"
  [[ $outcome == finished:* ]] || { cat "$2" >&2; fail "the run did not finish"; }
}
# stop PID LOG EXPECTED...: SIGTERM, then the exit status must be one of EXPECTED within 20 s.
stop() {
  local pid=$1 log=$2 status=0
  shift 2
  kill -TERM "$pid"
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; cat "$log" >&2; fail "still running 20 s after SIGTERM"; }
  wait "$pid" || status=$?
  app_pid=""
  [[ " $* " == *" $status "* ]] || { cat "$log" >&2; fail "exit status $status after SIGTERM (expected $*)"; }
  echo "package: stopped by SIGTERM, exit status $status"
}
run_args=(--host 127.0.0.1 --data-dir /srv/nnjourney --no-download)

if [[ $kind == server ]]; then
  port=$(free_port) base="http://127.0.0.1:$port"
  chroot "$root" "${root_env[@]}" /usr/bin/nnjourney-server "${run_args[@]}" --port "$port" >"$work/server.log" 2>&1 &
  app_pid=$!
  wait_health "$app_pid" "$work/server.log"
  curl -fsS "$base/" >"$work/index.html"
  if ! grep -qi '<html' "$work/index.html" || ! grep -q 'vendor/three' "$work/index.html"; then
    head -c 400 "$work/index.html" >&2
    fail "/ is not the web page"
  fi
  echo "package: / serves the web page ($(wc -c <"$work/index.html") bytes)"
  run_training "$app_pid" "$work/server.log"
  echo "package: passed in $((SECONDS - started)) s"
  exit 0
fi

if [[ $kind == unit ]]; then
  # The packaged unit, enabled, on a free port (a drop-in replaces only the command line: the
  # hardening is the package's), in production with a join token and no download.
  port=$(free_port) base="http://127.0.0.1:$port"
  token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  mkdir -p "$root/etc/nnjourney" "$root/etc/systemd/system/nnjourney-server.service.d"
  printf 'NNJ_NO_DOWNLOAD=1\nNNJ_TOKEN=%s\n' "$token" >"$root/etc/nnjourney/env"
  printf '[Service]\nExecStart=\nExecStart=/usr/bin/nnjourney-server --host 127.0.0.1 --port %s\n' "$port" \
    >"$root/etc/systemd/system/nnjourney-server.service.d/port.conf"
  in_root systemctl enable nnjourney-server >/dev/null 2>&1 || fail "systemctl enable nnjourney-server failed"
  # systemd-nspawn brings its own /proc and /dev.
  umount "$root/proc" "$root/dev"
  systemd-nspawn -D "$root" -b -M "nnj-unit-$port" --register=no --keep-unit >"$work/nspawn.log" 2>&1 &
  app_pid=$!
  wait_health "$app_pid" "$work/nspawn.log"
  init=$(pgrep -P "$app_pid" -x systemd) || fail "no systemd under systemd-nspawn"
  in_container() { nsenter -t "$init" -a "$@"; }
  echo "package: unit: $(in_container systemctl show nnjourney-server -p ActiveState -p DynamicUser -p User | tr '\n' ' ')"
  curl -sS -o /dev/null -w '%{http_code}' -X POST -H 'Content-Length: 0' "$base/start-training" >"$work/no-token.txt"
  [[ $(cat "$work/no-token.txt") == 401 ]] || fail "/start-training without the token: HTTP $(cat "$work/no-token.txt"), expected 401"
  echo "package: /start-training without the token: HTTP 401"
  auth=(-H "Authorization: Bearer $token")
  run_training "$app_pid" "$work/nspawn.log"
  for _ in $(seq 50); do
    [[ -s $root/var/lib/private/nnjourney/models/last.nnjmodel ]] && break
    sleep 0.2
  done
  [[ -s $root/var/lib/private/nnjourney/models/last.nnjmodel ]] || fail "no autosaved model in the state folder"
  echo "package: model autosaved: /var/lib/nnjourney/models/last.nnjmodel ($(stat -c %s "$root/var/lib/private/nnjourney/models/last.nnjmodel") bytes)"
  # --threshold counts in tenths: 40 is an exposure of 4.0.
  in_container systemd-analyze security --threshold=40 --no-pager nnjourney-server >"$work/security.txt" 2>&1 ||
    { cat "$work/security.txt" >&2; fail "the running unit's exposure is above 4.0"; }
  echo "package: running unit: $(tail -n 1 "$work/security.txt")"
  # SIGTERM to systemd-nspawn powers the container off: systemd stops the server first.
  stop "$app_pid" "$work/nspawn.log" 0
  echo "package: passed in $((SECONDS - started)) s"
  exit 0
fi

# The desktop app. No display is needed to answer --version and --help.
in_root /usr/bin/nnjourney --version >"$work/version.txt" 2>&1 || { cat "$work/version.txt" >&2; fail "nnjourney --version failed"; }
grep -qF "$version" "$work/version.txt" || { cat "$work/version.txt" >&2; fail "nnjourney --version does not say $version"; }
echo "package: nnjourney --version: $(head -1 "$work/version.txt")"
in_root /usr/bin/nnjourney --help >"$work/help.txt" 2>&1 || { cat "$work/help.txt" >&2; fail "nnjourney --help failed"; }
for option in --headless --port --data-dir --lan; do
  grep -q -- "$option" "$work/help.txt" || { cat "$work/help.txt" >&2; fail "nnjourney --help does not list $option"; }
done
echo "package: nnjourney --help: $(wc -l <"$work/help.txt") lines"

# --headless: the server alone, without any display; it handles SIGTERM and exits 0.
port=$(free_port) base="http://127.0.0.1:$port"
chroot "$root" "${root_env[@]}" /usr/bin/nnjourney --headless "${run_args[@]}" --port "$port" >"$work/headless.log" 2>&1 &
app_pid=$!
wait_health "$app_pid" "$work/headless.log"
stop "$app_pid" "$work/headless.log" 0

# The window, on an X server of this machine: the root reaches it through the abstract X socket
# (same network namespace), so only the package and its dependencies are in the root. -br: a
# black root, so whatever is not black on the screen was drawn by the app.
screen="$work/xvfb"
rm -rf "$screen"
mkdir -p "$screen"
Xvfb -displayfd 3 -screen 0 1600x1000x24 -br -nolisten tcp -fbdir "$screen" 3>"$work/xvfb.display" \
  >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do
  [[ -s $work/xvfb.display ]] && break
  kill -0 "$xvfb_pid" 2>/dev/null || { cat "$work/xvfb.log" >&2; fail "Xvfb exited"; }
  sleep 0.1
done
display=":$(tr -dc 0-9 <"$work/xvfb.display")"
[[ $display != ":" ]] || fail "Xvfb did not report its display"
mkdir -p "$root/run/user/0"
chmod 700 "$root/run/user/0"
port=$(free_port) base="http://127.0.0.1:$port"
chroot "$root" "${root_env[@]}" DISPLAY="$display" XDG_RUNTIME_DIR=/run/user/0 /usr/bin/nnjourney "${run_args[@]}" --port "$port" \
  >"$work/app.log" 2>&1 &
app_pid=$!
wait_health "$app_pid" "$work/app.log"
# The window is drawn when a quarter of the screen is no longer black, in many colours (the 3D
# view, the charts, text); a blank or black window would not pass.
check_screen() { python3 "$source_dir/tests/packaging/screen_check.py" "$screen/Xvfb_screen0" "$work/window.png" 25 200; }
drawn=""
for _ in $(seq 60); do
  if drawn=$(check_screen); then break; fi
  drawn=""
  kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log" >&2; fail "nnjourney exited before its window was drawn"; }
  sleep 1
done
[[ -n $drawn ]] || { check_screen >&2 || true; cat "$work/app.log" >&2; fail "the window was not drawn within 60 s"; }
echo "package: window drawn: $drawn"
# The main window by its title, with the WM_CLASS that desktops match with the launcher's
# StartupWMClass (xwininfo, from x11-utils, prints both: "title": ("instance" "class")).
if command -v xwininfo >/dev/null 2>&1; then
  xwininfo -display "$display" -root -children >"$work/windows.txt"
  window=$(grep -m1 '"Neural Network Journey": ("' "$work/windows.txt") ||
    { cat "$work/windows.txt" >&2; fail "no top-level window named Neural Network Journey with a WM_CLASS"; }
  wanted=$(sed -n 's/^StartupWMClass=//p' "$root/usr/share/applications/io.github.nnjourney.desktop")
  grep -qF "\"$wanted\")" <<<"$window" || fail "the window's class is not StartupWMClass=$wanted: $window"
  echo "package: window:$(tr -s ' ' <<<"$window")"
else
  [[ -z "${CI:-}" ]] || fail "xwininfo not found (x11-utils): a failure, CI is set"
  echo "package: xwininfo not found (x11-utils): the window's title and class are not checked"
fi
run_training "$app_pid" "$work/app.log"
sleep 2
drawn=$(check_screen) || { cat "$work/app.log" >&2; fail "the window is no longer drawn after the run: $drawn"; }
echo "package: window after the run: $drawn ($work/window.png)"
# The desktop app leaves SIGTERM to its default action (the session's state is autosaved as it
# trains): ended by the signal (143), not by a crash.
stop "$app_pid" "$work/app.log" 0 143
if grep -E -i 'could not (load|connect)|segmentation fault|core dumped' "$work/app.log" >&2; then
  fail "nnjourney logged the errors above"
fi
echo "package: passed in $((SECONDS - started)) s"
