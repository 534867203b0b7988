#!/usr/bin/env bash
# Instructions per operation of the C library, counted by callgrind (exact, unaffected by the
# machine's load): runs `sddl_bench --loop KIND N` for two values of N and divides the
# difference in instructions by the difference in operations (5 inputs per round).
#   bench/instr_count.sh build/rel/bench/sddl_bench [check quiet sddl sid]
set -euo pipefail
bin=${1:?usage: instr_count.sh PATH/TO/sddl_bench [KIND...]}
shift
kinds=${*:-check quiet sddl sid}
inputs=$(grep -c . "$(dirname "$0")/sddl_inputs.txt")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ir() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bin" --loop "$1" "$2" >/dev/null 2>"$tmp/err"
    sed -n 's/^summary: //p' "$tmp/out"
}
for k in $kinds; do
    a=$(ir "$k" 200)
    b=$(ir "$k" 1200)
    echo "$k: $(( (b - a) / (1000 * inputs) )) instructions per operation"
done
