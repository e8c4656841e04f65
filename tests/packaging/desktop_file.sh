#!/usr/bin/env bash
# The launcher as desktop-file-validate reads it: it exits 0 on hints, so any line it prints fails.
# Usage: desktop_file.sh DESKTOP_FILE_VALIDATE DESKTOP_FILE
set -euo pipefail
out=$("$1" "$2" 2>&1) || { printf '%s\n' "$out"; exit 1; }
[[ -z $out ]] || { printf '%s\n' "$out"; exit 1; }
echo "package: $2: valid, no hints"
