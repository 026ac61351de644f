#!/usr/bin/env bash
# Builds the paasc binary as shipped and benchmarked, and prints its path.
#
#   tools/dist.sh [CARGO ARGS...]      e.g. tools/dist.sh -q
#
# The release profile (fat LTO, one codegen unit, panic = abort). On Linux with glibc the binary
# is also linked statically, at a fixed address (`+crt-static`, `relocation-model=static`): a
# start then runs no dynamic loader and relocates nothing, which took about a tenth of
# `paasc check`'s time on an example (README, "Performance"). The flags go through `--target`,
# which keeps them off build scripts and proc-macros (those must stay dynamic libraries), so the
# binary lands in $CARGO_TARGET_DIR/<host triple>/release/. Elsewhere it is a plain
# `cargo build --release`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
host=$(rustc -vV | sed -n 's/^host: //p')
cd "$root"
case $host in
*-linux-gnu)
    cargo build --release --bin paasc --target "$host" \
        --config "target.$host.rustflags = ['-C', 'target-feature=+crt-static', '-C', 'relocation-model=static']" "$@"
    echo "$target_dir/$host/release/paasc"
    ;;
*)
    cargo build --release --bin paasc "$@"
    echo "$target_dir/release/paasc"
    ;;
esac
