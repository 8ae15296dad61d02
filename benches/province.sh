#!/usr/bin/env bash
# Province-scale benchmark (issue 7): thidua check and run against the Python
# reference pipeline and the physical floor, on working sets made by
# ../shared/bench/perfset.py, timed as whole processes in one session.
#
#   benches/province.sh [N ...]          default: 1000 5000 10000
#   RUNS=5 benches/province.sh 5000      timed runs per tool (after a warm-up)
#
# Needs python3 (a virtual environment with openpyxl and python-calamine is
# made under target/bench/), GNU time (/usr/bin/time) and the shared bench
# kit beside the repository. Prints a Markdown table: median seconds,
# workbooks per second and peak memory per tool, then the target ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KIT=${BENCH_KIT:-$ROOT/../shared/bench}
WORK=${BENCH_WORK:-$ROOT/target/bench}
RUNS=${RUNS:-5}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 5000 10000)
mkdir -p "$WORK"

[ -d "$KIT" ] || { echo "không thấy bộ công cụ đo tại $KIT (đặt BENCH_KIT)"; exit 2; }
[ -x /usr/bin/time ] || { echo "cần GNU time (/usr/bin/time): apt-get install time"; exit 2; }

if [ ! -x "$WORK/venv/bin/python" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q openpyxl python-calamine
fi
PY=$WORK/venv/bin/python

cargo build --release -q
CARGO_TARGET_DIR=$WORK/floor-target cargo build --release -q --manifest-path "$KIT/floor/Cargo.toml"
THIDUA=$ROOT/target/release/thidua
FLOOR=$WORK/floor-target/release/floor

# median of the first field, max of the second, over RUNS timed runs
measure() {
  local log=$WORK/time.log
  : > "$log"
  "$@" >/dev/null 2>&1 || true            # warm-up
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -a -o "$log" "$@" >/dev/null 2>&1 || true
  done
  sort -n "$log" | awk '{t[NR]=$1; if ($2>m) m=$2} END {printf "%s %d\n", t[int((NR+1)/2)], m}'
}

echo "| N | công cụ / tool | trung vị / median s | tệp/s / workbooks/s | bộ nhớ đỉnh / peak MB |"
echo "|---:|---|---:|---:|---:|"
SUMMARY=()
for N in "${SIZES[@]}"; do
  SET=$WORK/set-$N
  DIR=$WORK/dir-$N
  if [ ! -f "$SET/expected.json" ]; then
    rm -rf "$SET"
    "$PY" "$KIT/perfset.py" "$SET" "$N" >/dev/null
  fi
  if [ ! -d "$DIR/nop" ] || [ "$(ls "$DIR/nop" | wc -l)" -ne "$N" ]; then
    rm -rf "$DIR"
    "$THIDUA" init "$DIR" -q
    cp "$SET/don-vi.xlsx" "$SET/tieu-chi.xlsx" "$DIR/"
    cp "$SET"/nop/*.xlsx "$DIR/nop/"
  fi
  declare -A rate
  # run-new writes into a new, empty out folder every time (a first run);
  # run reruns into the same folder, where unchanged outputs are left alone.
  for tool in floor check run-new run python; do
    case $tool in
      floor)  cmd=("$FLOOR" --tokenize --par "$DIR/nop") ;;
      check)  cmd=("$THIDUA" check "$DIR" -q) ;;
      run-new) cmd=(bash -c 'o=$(mktemp -d "$1/out-new.XXXXXX") && exec "$2" run "$3" -q --out "$o"' _ "$WORK" "$THIDUA" "$DIR") ;;
      run)    cmd=("$THIDUA" run "$DIR" -q --out "$WORK/out-$N") ;;
      python) cmd=("$PY" "$KIT/ref_pipeline.py" "$DIR" "$WORK/ref-$N.xlsx") ;;
    esac
    read -r secs kb < <(measure "${cmd[@]}")
    rm -rf "$WORK"/out-new.*
    r=$(awk -v n="$N" -v s="$secs" 'BEGIN {printf "%.0f", (s > 0 ? n / s : 0)}')
    rate[$tool]=$r
    printf "| %s | %s | %s | %s | %.1f |\n" "$N" "$tool" "$secs" "$r" "$(awk -v k="$kb" 'BEGIN {print k/1024}')"
  done
  SUMMARY+=("N=$N: run-new ${rate[run-new]}/s (mục tiêu ≥ 1500); check/floor $(awk -v a="${rate[check]}" -v b="${rate[floor]}" 'BEGIN {printf "%.0f%%", 100*a/b}') (≥ 80%); run-new/python $(awk -v a="${rate[run-new]}" -v b="${rate[python]}" 'BEGIN {printf "%.1f×", a/b}') (≥ 10×)")
  unset rate
done
echo
printf '%s\n' "${SUMMARY[@]}"
