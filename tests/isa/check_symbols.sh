#!/usr/bin/env bash
# Each kernel level's object (core/isa/kernels.cpp built for x86-64-vN) may export only symbols
# that name that level: its kernels_vN() table and whatever lives in, or is instantiated with, its
# renamed Eigen (nnj_eigen_vN). Anything else it defines globally or weakly (an out-of-line
# std::max<float>, a plain Eigen template) could be the copy the linker keeps for every level,
# and an AVX-512 copy run by the baseline level dies on an AVX-less CPU.
# Usage: check_symbols.sh NM OBJECT...   (the level is read from the object's name, kernels_vN)
set -euo pipefail
nm=$1
shift
failed=0
for object in "$@"; do
  id=$(sed -n 's|.*_kernels_\([a-z0-9]*\)\.dir/.*|\1|p' <<<"$object")
  [[ -n $id ]] || { echo "isa: cannot tell the level of $object" >&2; exit 1; }
  # Defined symbols other than local ones (lower-case types) are what the linker may merge.
  shared=$("$nm" --defined-only "$object" | awk '$2 ~ /^[A-Z]$/ {print $3}')
  count=$(wc -l <<<"$shared")
  # DW.ref.__gxx_personality_v0: a pointer to the C++ exception personality routine (data, the
  # same in every object).
  leaks=$(grep -v -e "nnj_eigen_$id" -e "^_ZN4core3isa10kernels_${id}Ev$" -e '^DW\.ref\.__gxx_personality_v0$' \
    <<<"$shared" || true)
  if [[ -n $leaks ]]; then
    echo "isa: $id: symbols shared with the other levels:" >&2
    c++filt <<<"$leaks" | sed 's/^/  /' >&2
    failed=1
  else
    echo "isa: $id: $count global or weak symbols, all of them level $id's own"
  fi
done
exit $failed
