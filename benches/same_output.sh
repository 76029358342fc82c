#!/usr/bin/env bash
# Checks that a speed change changed nothing else: the working tree's fanzha
# and the one built from REV must print byte-identical scan and eval output.
#
#   benches/same_output.sh [REV]            (default: HEAD)
#
# Compared: `scan --format jsonl --no-redact` over the generated 20 MB corpus
# and over messages carrying 50,000 URLs from the shared phishtank and UNB
# benign lists (the link path), and the `eval` summaries of every shared
# message dataset. Environment: CORPUS (../bench-data/corpus_20m.txt, made
# with gen_corpus.py when missing), DATASETS (../shared/datasets), WORK
# (a scratch folder, default /tmp/fanzha-same-output).
set -euo pipefail
cd "$(dirname "$0")/.."
REV=${1:-HEAD}
CORPUS=${CORPUS:-../bench-data/corpus_20m.txt}
DATASETS=${DATASETS:-../shared/datasets}
WORK=${WORK:-/tmp/fanzha-same-output}
mkdir -p "$WORK"

if [[ ! -s $CORPUS ]]; then
  mkdir -p "$(dirname "$CORPUS")"
  python3 ../shared/bench/gen_corpus.py --size-mb 20 --seed 1 --format txt -o "$CORPUS" -q
fi
urls=$WORK/urls.txt
if [[ ! -s $urls ]]; then
  python3 - "$DATASETS" "$urls" <<'PY'
import csv, random, sys
datasets, out = sys.argv[1], sys.argv[2]
random.seed(3)
urls = []
with open(f"{datasets}/phishtank-2020-05/online-valid.csv", newline="", encoding="utf-8", errors="replace") as f:
    rows = csv.reader(f)
    col = next(rows).index("url")
    urls += [r[col] for r in rows if len(r) > col]
with open(f"{datasets}/unb-benign-urls/Benign_list_big_final.csv", encoding="utf-8", errors="replace") as f:
    urls += [line.strip().split(",")[0] for line in f]
random.shuffle(urls)
shapes = ["点击 {} 申诉解封", "{}", "官方通知：账号异常请登录 {} 验证", "看看这个 {} 哈哈", "{} 。 明天见", "解封找我 vx:abc 或者 {}"]
with open(out, "w") as f:
    for k, u in enumerate(urls[:50000]):
        u = u.replace("\n", " ")
        if k % 3 == 0:
            u = u.split("://", 1)[-1]  # a third without a scheme
        f.write(random.choice(shapes).format(u) + "\n")
PY
fi

# The binary built from REV, in its own worktree and target folder.
rm -rf "$WORK/rev"
git worktree add -f --detach "$WORK/rev" "$REV" -q
trap 'git worktree remove --force "$WORK/rev"' EXIT
(cd "$WORK/rev" && CARGO_TARGET_DIR=$WORK/target-rev cargo build --release -q)
cargo build --release -q
target=${CARGO_TARGET_DIR:-target}

status=0
for side in rev new; do
  bin=$target/release/fanzha
  [[ $side == rev ]] && bin=$WORK/target-rev/release/fanzha
  "$bin" scan --format jsonl --no-redact "$CORPUS" > "$WORK/$side.corpus.jsonl" || true
  "$bin" scan --format jsonl --no-redact "$urls" > "$WORK/$side.urls.jsonl" || true
  "$bin" eval --show-errors 0 corpus/labelled.jsonl corpus/validation.jsonl corpus/validation2.jsonl \
    "$DATASETS"/{cn-sms-800k-sample,fbs-sms,mendeley-smishing-5971,nus-sms-zh,smishtank,spamhunter,telecom-fraud-texts-5,uci-sms-spam} \
    > "$WORK/$side.eval.txt" 2>&1 || true
done
for what in corpus.jsonl urls.jsonl eval.txt; do
  if cmp -s "$WORK/rev.$what" "$WORK/new.$what"; then
    echo "same: $what"
  else
    echo "DIFFERENT: $what ($WORK/rev.$what vs $WORK/new.$what)"
    status=1
  fi
done
exit $status
