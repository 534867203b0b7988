#!/usr/bin/env bash
# A real fuzzing campaign (outside CI): every libFuzzer target for SECONDS each, JOBS at a time,
# each from its seed corpus into a work corpus of its own, with a 10 s per-input timeout and a
# 2 GiB memory limit (a slow or greedy input is a finding, like a crash). Prints one Markdown
# row per target (the table in docs/building.md) and exits 1 when any target found something.
#
#   scripts/fuzz-campaign.sh [--seconds N] [--jobs N] [--work DIR] [TARGET...]
#
# Defaults: 600 seconds, 2 jobs, work corpora and findings in build/fuzz-campaign. The fuzz
# preset is configured and built first (clang, libFuzzer, ASan + UBSan).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=600 jobs=2 work=$root/build/fuzz-campaign
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --work) work=$2; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "fuzz-campaign.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
cd "$root"
cmake --preset fuzz >/dev/null && cmake --build --preset fuzz >/dev/null ||
  { echo "fuzz-campaign.sh: building the fuzz preset failed" >&2; exit 1; }
if [ ${#targets[@]} = 0 ]; then
  for t in fuzz/fuzz_*.c; do t=${t##*/fuzz_}; targets+=("${t%.c}"); done
fi
mkdir -p "$work"

one() { # name -> writes $work/name.row
  local t=$1 dir=$work/$1
  mkdir -p "$dir/corpus" "$dir/findings"
  local start=$(date +%s)
  "build/fuzz/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/findings/" "$dir/corpus" "fuzz/corpus/$t" \
    >"$dir/log" 2>&1
  local rc=$? end=$(date +%s)
  local execs=$(grep -aoE 'stat::number_of_executed_units: *[0-9]+' "$dir/log" | grep -oE '[0-9]+$' | tail -1)
  local cov=$(grep -aoE 'cov: [0-9]+' "$dir/log" | tail -1 | grep -oE '[0-9]+')
  local n=$(ls "$dir/corpus" | wc -l) found=$(ls "$dir/findings" | wc -l)
  printf '| fuzz_%s | %s | %s | %s | %s | %s |\n' "$t" "$((end - start))" "${execs:-?}" \
    "${cov:-?}" "$n" "$([ "$rc" = 0 ] && [ "$found" = 0 ] && echo none || echo "$found (rc $rc, see $dir)")" \
    >"$work/$t.row"
}

running=0
for t in "${targets[@]}"; do
  [ -x "build/fuzz/fuzz/fuzz_$t" ] || { echo "fuzz-campaign.sh: no target fuzz_$t" >&2; exit 2; }
  one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
echo "| target | seconds | executions | coverage (edges) | corpus | findings |"
echo "|---|---|---|---|---|---|"
bad=0
for t in "${targets[@]}"; do
  cat "$work/$t.row"
  grep -q '| none |$' "$work/$t.row" || bad=1
done
exit $bad
