#!/usr/bin/env bash
# fanzha scan vs ripgrep, side by side on the same file, in one session.
#
#   benches/vs_ripgrep.sh [CORPUS]          (default: ../bench-data/corpus_1g.txt)
#
# Environment: SIZE_MB (1024) size of a corpus generated when CORPUS is missing,
# RUNS (5) alternating runs of each command, FANZHA (a fanzha binary; default:
# build target/release/fanzha), THREADS (fanzha -j; default all CPUs),
# KEYWORDS and GEN (the shared keyword list and corpus generator).
#
# Prints per run and as medians: wall time, MB/s, peak RSS (/usr/bin/time %M),
# for `rg -c -F -f keywords.txt`, `fanzha scan --format jsonl --only-flagged`,
# and the same scan with the classifier switched off (--no-classify: reading,
# decoding, batching and output only), and fanzha's time over ripgrep's.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=${SHARED:-../shared}
CORPUS=${1:-${CORPUS:-../bench-data/corpus_1g.txt}}
SIZE_MB=${SIZE_MB:-1024}
RUNS=${RUNS:-5}
KEYWORDS=${KEYWORDS:-$SHARED/bench/keywords.txt}
GEN=${GEN:-$SHARED/bench/gen_corpus.py}
THREADS=${THREADS:-0}

for tool in rg /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y ripgrep time)" >&2; exit 2; }
done
if [[ ! -s $CORPUS ]]; then
  echo "generating $CORPUS ($SIZE_MB MB, seed 1)..." >&2
  mkdir -p "$(dirname "$CORPUS")"
  python3 "$GEN" --size-mb "$SIZE_MB" --seed 1 --format txt -o "$CORPUS" -q
fi
if [[ -z ${FANZHA:-} ]]; then
  cargo build --release --quiet --bin fanzha
  FANZHA=${CARGO_TARGET_DIR:-target}/release/fanzha
fi

BYTES=$(stat -c %s "$CORPUS")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat "$CORPUS" >/dev/null # page cache

# run NAME CMD...: appends "seconds rss_kb" to $TMP/NAME
run() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$TMP/t" "$@" >"$TMP/out" 2>/dev/null || true
  tail -n1 "$TMP/t" >>"$TMP/$name"
}
calc() { awk "BEGIN { print $1 }"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "corpus: $CORPUS ($((BYTES / 1000000)) MB), $(nproc) CPUs, $RUNS runs, fanzha -j$THREADS"
for i in $(seq "$RUNS"); do
  run rg rg -c -F -f "$KEYWORDS" "$CORPUS"
  run fanzha "$FANZHA" scan --format jsonl --only-flagged -j "$THREADS" "$CORPUS"
  run pipeline "$FANZHA" scan --format jsonl --only-flagged --no-classify -j "$THREADS" "$CORPUS"
  printf 'run %d: rg %ss  fanzha %ss  pipeline-only %ss\n' "$i" \
    "$(tail -n1 "$TMP/rg" | cut -d' ' -f1)" "$(tail -n1 "$TMP/fanzha" | cut -d' ' -f1)" \
    "$(tail -n1 "$TMP/pipeline" | cut -d' ' -f1)"
done

echo
printf '%-34s %9s %9s %12s\n' "median of $RUNS" "wall s" "MB/s" "peak RSS MB"
for name in rg fanzha pipeline; do
  t=$(cut -d' ' -f1 "$TMP/$name" | median)
  m=$(cut -d' ' -f2 "$TMP/$name" | median)
  label=$name
  [[ $name == rg ]] && label="rg -c -F -f keywords.txt"
  [[ $name == fanzha ]] && label="fanzha scan jsonl --only-flagged"
  [[ $name == pipeline ]] && label="  same, --no-classify"
  printf '%-34s %9.2f %9.0f %12.1f\n' "$label" "$t" "$(calc "$BYTES / 1000000 / $t")" "$(calc "$m / 1024")"
done
rg_t=$(cut -d' ' -f1 "$TMP/rg" | median)
fz_t=$(cut -d' ' -f1 "$TMP/fanzha" | median)
pl_t=$(cut -d' ' -f1 "$TMP/pipeline" | median)
printf '\nfanzha / rg wall time: %.2fx (target <= 2x); pipeline-only / rg: %.2fx\n' \
  "$(calc "$fz_t / $rg_t")" "$(calc "$pl_t / $rg_t")"
