#!/usr/bin/env python3
"""Choose the n-gram model's thresholds by cross-validating the whole engine.

The model's scam_at and benign_below decide together with the rules, so
they are measured on the engine, not on the model alone: the training
messages (tools/train_model.py's training_files()) are split into folds;
for each fold the model is trained without it and the engine built with
that model, in a temporary git worktree of HEAD; the engine then judges the
fold once per threshold pair (`fanzha eval --no-default-rules --rules DIR`,
DIR a copy of rules/ with the pair written into its [model] section). No
message is judged by a model that saw it. Prints, per pair, the scams found
and the false alarms over all folds.

Run from the repository root (takes a few minutes per fold: training and a
release build):

    python3 tools/cv_thresholds.py
    python3 tools/cv_thresholds.py --folds 3 --pairs 0.9:0.05,0.85:0.1,0.8:0.1

Set CARGO_TARGET_DIR to reuse a build directory (the worktree's own is
used otherwise).
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_model  # noqa: E402  (the training set and its files)


def load_rows(files):
    rows = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rows.append((f, line))
    return rows


def set_thresholds(rules_dir, scam_at, benign_below):
    path = os.path.join(rules_dir, "appeal.toml")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    for key, value in (("scam_at", scam_at), ("benign_below", benign_below)):
        text, n = re.subn(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.M)
        if n != 1:
            sys.exit(f"{path}: expected one '{key} = ' line, found {n}")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def eval_counts(binary, rules_dir, data):
    out = subprocess.run(
        [binary, "eval", "--no-default-rules", "--rules", rules_dir, data],
        capture_output=True,
        text=True,
    ).stdout
    for line in out.splitlines():
        if line.startswith("overall"):
            f = line.split()
            return int(f[2]), int(f[3]), int(f[4])
    sys.exit(f"no 'overall' line from {binary} eval {data}:\n{out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--pairs", default="0.9:0.05,0.9:0.1,0.85:0.1,0.8:0.1",
                    help="scam_at:benign_below pairs, comma-separated")
    args = ap.parse_args()
    pairs = [tuple(float(x) for x in p.split(":")) for p in args.pairs.split(",")]

    files = train_model.training_files()
    rows = load_rows(files)
    order = list(range(len(rows)))
    random.Random(args.seed).shuffle(order)
    tmp = tempfile.mkdtemp(prefix="fanzha-cv-")
    tree = os.path.join(tmp, "tree")
    subprocess.run(["git", "worktree", "add", "--detach", "-q", tree, "HEAD"], check=True)
    env = dict(os.environ)
    env.setdefault("CARGO_TARGET_DIR", os.path.join(tree, "target"))
    try:
        binaries, tests = [], []
        for k in range(args.folds):
            held = set(order[k::args.folds])
            test = os.path.join(tmp, f"fold{k}.jsonl")
            with open(test, "w", encoding="utf-8") as fh:
                fh.writelines(rows[i][1] for i in sorted(held))
            kept = {f: [] for f in files}
            for i, (f, line) in enumerate(rows):
                if i not in held:
                    kept[f].append(line)
            for f, lines in kept.items():
                with open(os.path.join(tree, f), "w", encoding="utf-8") as fh:
                    fh.writelines(lines)
            print(f"fold {k}: training without {len(held)} messages, building...", file=sys.stderr)
            subprocess.run([sys.executable, "tools/train_model.py"], cwd=tree, env=env,
                           check=True, stdout=subprocess.DEVNULL)
            subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "fanzha"],
                           cwd=tree, env=env, check=True)
            binary = os.path.join(tmp, f"fanzha{k}")
            shutil.copy(os.path.join(env["CARGO_TARGET_DIR"], "release", "fanzha"), binary)
            binaries.append(binary)
            tests.append(test)
        print(f"{len(rows)} messages, {args.folds} folds")
        print("scam_at  benign_below  found  false_alarms  missed  precision  recall")
        for scam_at, benign_below in pairs:
            rules = os.path.join(tmp, f"rules_{scam_at}_{benign_below}")
            shutil.copytree("rules", rules)
            set_thresholds(rules, scam_at, benign_below)
            tp = fp = fn = 0
            for binary, test in zip(binaries, tests):
                a, b, c = eval_counts(binary, rules, test)
                tp, fp, fn = tp + a, fp + b, fn + c
            prec = tp / (tp + fp) if tp + fp else 0.0
            rec = tp / (tp + fn) if tp + fn else 0.0
            print(f"{scam_at:<8} {benign_below:<13} {tp:<6} {fp:<13} {fn:<7} "
                  f"{prec:9.2%} {rec:7.2%}")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", tree], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
