#!/usr/bin/env bash
# The packaged systemd unit's exposure as `systemd-analyze security` rates it: at most 4.0 ("OK").
# Usage: unit_security.sh UNIT_FILE. Skips (77) without systemd-analyze unless CI is set.
set -euo pipefail
unit=$1
if ! command -v systemd-analyze >/dev/null 2>&1; then
  [[ -n "${CI:-}" ]] && { echo "package: systemd-analyze not found: a failure, CI is set" >&2; exit 1; }
  echo "package: SKIP: systemd-analyze not found" >&2
  exit 77
fi
# --threshold counts in tenths: 40 is an exposure of 4.0.
systemd-analyze security --offline=true --threshold=40 "$unit" | tail -n 1
