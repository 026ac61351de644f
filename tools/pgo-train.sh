#!/usr/bin/env bash
# The runs whose counts tools/dist.sh builds the shipped binary with (profile-guided
# optimisation): what users run, on this repository's projects.
#
#   tools/pgo-train.sh PAASC OUT     PAASC built with -Cprofile-generate; OUT: a scratch directory
#
# `check` (human and JSON) and `compile` into a fresh OUT and into a current one of each example
# (twice: the first compares the files by reading them and stamps them, the next, once the
# clock has moved on, by their stamps), ten times over (so that the examples' paths weigh above
# the golden cases', which are many), `compile` of all of them at once (its threads) in the
# same three states, and `check` of every golden case, with and without problems (the
# diagnostics' rendering). Runs that find problems exit 1: that is part of the training, not a
# failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
paasc=$1 out=$2
mkdir -p "$out"
for round in 1 2 3 4 5 6 7 8 9 10; do
    for ex in "$root"/examples/*/; do
        name=$(basename "$ex")
        "$paasc" check "$ex"
        "$paasc" check "$ex" --format json
        rm -rf "$out/$name"
        "$paasc" compile "$ex" -o "$out/$name"
        "$paasc" compile "$ex" -o "$out/$name"
        sleep 0.01
        "$paasc" compile "$ex" -o "$out/$name"
    done
done
for _ in 1 2; do
    "$paasc" compile "$root"/examples/*/ -o "$out/all"
done
sleep 0.01
"$paasc" compile "$root"/examples/*/ -o "$out/all"
for case in "$root"/golden/ok/*/ "$root"/golden/errors/*/; do
    "$paasc" check "$case" || true
    "$paasc" check "$case" --format json || true
done
for case in "$root"/golden/ok/*/; do
    "$paasc" compile "$case" -o "$out/ok-$(basename "$case")" || true
done
