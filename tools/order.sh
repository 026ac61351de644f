#!/usr/bin/env bash
# Regenerates tools/paasc.order, the link order of the shipped binary's functions, and
# tools/paasc.rodata.ld, the order of its read-only data (both read by tools/dist.sh).
#
#   tools/order.sh          needs valgrind; about eight minutes with the (profile-guided) build
#
# A start of paasc maps its code from the page cache 64 KiB at a time (the kernel's fault-around),
# and each window costs a page fault and its unmapping at exit. Linked in the compiler's order,
# the functions one `check` runs lie in about 75 of the binary's 92 windows of code; listed first
# in this file, the linker (LLD's --symbol-ordering-file) packs them into about 30.
#
# The list is every function that callgrind sees run in the benchmarked commands (README,
# "Performance"): `check`, `compile` into a fresh OUT and into a current one (its first compile,
# which reads the files, and the next, which finds them current by their stamps), for each example,
# and one `compile` of all of them at once (its threads). The functions a `check` uses come
# first (those more checks use first), then the others (those more runs use first). Names are
# the mangled symbols: they hold a hash of the crate's version, features and the compiler's
# version, so a new rustc or a dependency update leaves names that no longer match.
# Such names are skipped (the binary is still correct, only less compact); run this again then.
# tools/bench.sh prints how much of the list the binary it measures still matches. Two runs can
# differ by a few allocator functions: std's hash seeds are random, and so are some allocations.
#
# The data the same runs touch (valgrind's lackey) is placed likewise. The statics of `.data`
# and `.bss` follow the functions in this list. The input sections of `.rodata` that hold what
# they read (rustc's anonymous constants, jump tables, the merged strings) have no symbols: found
# by the map the linker writes, they are listed in a linker script fragment
# (tools/data-order.py). Their names change with any change to the code, so this must run
# again after one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
for tool in valgrind nm python3; do
    command -v "$tool" >/dev/null || { echo "order.sh needs $tool" >&2; exit 2; }
done
paasc=$("$root/tools/dist.sh" -q)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/paasc-order.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# A run may end with diagnostics (exit 1); one that valgrind could not run leaves no profile.
run() {
    local name=$1
    shift
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$tmp/$name.cg" "$paasc" "$@" \
        >/dev/null 2>"$tmp/$name.err" || true
    [ -s "$tmp/$name.cg" ] || { echo "order.sh: no profile of $name:" >&2; cat "$tmp/$name.err" >&2; exit 1; }
}
# The addresses a run reads or writes (valgrind's lackey), for the data's order below, and
# those of the instructions it runs, for the cold parts'.
trace() {
    local name=$1
    shift
    valgrind --tool=lackey --trace-mem=yes --log-fd=3 "$paasc" "$@" 3>&1 >/dev/null 2>/dev/null |
        awk -v fetched="$tmp/$name.fetched" '
            $1 == "I" { sub(/,.*/, "", $2); if (!seen[$2]++) print $2 >fetched; next }
            $1 == "L" || $1 == "S" || $1 == "M" { sub(/,.*/, "", $2); print $2 }' | sort -u >"$tmp/$name.touched"
    [ -s "$tmp/$name.touched" ] && [ -s "$tmp/$name.fetched" ] || { echo "order.sh: no trace of $name" >&2; exit 1; }
}
examples=("$root"/examples/*/)
for each in run trace; do
    for ex in "${examples[@]}"; do
        name=$(basename "$ex")
        $each "check-$name" check "$ex"
        $each "fresh-$name" compile "$ex" -o "$tmp/out-$each/$name"
        $each "current-$name" compile "$ex" -o "$tmp/out-$each/$name"
        $each "stamped-$name" compile "$ex" -o "$tmp/out-$each/$name"
    done
    $each all compile "${examples[@]}" -o "$tmp/out-$each/all"
done

# Every function a run entered (callgrind names a function once, at its first `fn=` or `cfn=`
# line; a `'N` suffix marks a recursion level), counted once per run. The functions some `check`
# enters come first, those more checks enter first, and then by the count of all runs: a `check`
# then spans the code of the checks alone, not the compile-only code (the emitters' rendering,
# the writer) that more runs enter than a framework's checks do.
for cg in "$tmp"/*.cg; do
    case $(basename "$cg") in check-*) kind=check ;; *) kind=other ;; esac
    sed -n -E "s/^c?fn=\([0-9]+\) ([^ ']+)('[0-9]+)?$/\1/p" "$cg" | sort -u | sed "s/^/$kind /"
done | awk '{ all[$2]++; if ($1 == "check") checks[$2]++ }
    END { for (f in all) printf "%d %d %s\n", checks[f], all[f], f }' |
    sort -k1,1nr -k2,2nr -k3,3 | awk '$3 ~ /^[A-Za-z_.$][A-Za-z0-9_.$]*$/ { print $3 }' >"$tmp/run"
# glibc picks its string functions' variant for the CPU at start-up, and under valgrind's CPU it
# picks others than on a real one: each one seen brings every variant of its function, first.
variant='^__[a-z0-9]+_(sse|ssse|avx|evex|erms)'
nm "$paasc" | awk '{ print $NF }' | { grep -E "$variant" || true; } | sort -u >"$tmp/variants"
{ grep -E "$variant" "$tmp/run" || true; } | sed -E 's/^(__[a-z0-9]+_).*/\1/' | sort -u | while read -r base; do
    grep -F -- "$base" "$tmp/variants" | grep -E "^$base(sse|ssse|avx|evex|erms)" || true
done >"$tmp/more"
awk '!seen[$0]++' "$tmp/more" "$tmp/run" >"$tmp/hot"
[ -s "$tmp/hot" ] || { echo "order.sh: no function names in the profiles" >&2; exit 1; }
# A profile-guided build (tools/dist.sh) moves the blocks that never ran in its training into
# a part of their own, `NAME.cold`, an untyped symbol that callgrind counts in whatever function
# precedes it. The runs still take a few blocks of some (data-order.py --cold): those
# parts follow the functions listed, the ones more runs enter first, and then the other parts
# of those functions, together, rather than anywhere in the binary.
nm -S "$paasc" >"$tmp/nm"
python3 "$root/tools/data-order.py" --cold "$tmp/nm" "$tmp"/*.fetched >"$tmp/entered"
awk '$NF ~ /\.cold$/ { print $NF }' "$tmp/nm" | sort -u >"$tmp/cold"
awk 'FILENAME == ARGV[1] { cold[$0] = 1; next }
    FILENAME == ARGV[2] { entered[++e] = $0; listed[$0] = 1; next }
    !($0 in listed) { print } (($0 ".cold") in cold) && !(($0 ".cold") in listed) { parts[++n] = $0 ".cold" }
    END { for (i = 1; i <= e; i++) print entered[i]; for (i = 1; i <= n; i++) print parts[i] }' \
    "$tmp/cold" "$tmp/entered" "$tmp/hot" >"$tmp/order"
# Then the statics of `.data` and `.bss` the runs touch, so that they share a few pages.
python3 "$root/tools/data-order.py" --symbols "$tmp/nm" "$tmp"/*.touched >"$tmp/data"
{
    echo "# The link order of paasc's functions, then of its writable data: generated by tools/order.sh, read by tools/dist.sh."
    echo "# $(rustc -V); $(wc -l <"$tmp/order") functions, $(wc -l <"$tmp/data") data symbols."
    cat "$tmp/order" "$tmp/data"
} >"$root/tools/paasc.order.$$"
mv -f "$root/tools/paasc.order.$$" "$root/tools/paasc.order"
echo "tools/paasc.order: $(wc -l <"$tmp/order") functions, $(wc -l <"$tmp/data") data symbols" >&2
# The read-only data, likewise: the input sections of `.rodata` the runs read, by the map the
# linker wrote beside the binary.
if [ -f "$paasc.map" ]; then
    python3 "$root/tools/data-order.py" "$paasc.map" "$tmp/rodata.ld" "$tmp"/*.touched
    mv -f "$tmp/rodata.ld" "$root/tools/paasc.rodata.ld"
else
    echo "order.sh: no linker map beside $paasc (dist.sh writes one when it links with LLD); tools/paasc.rodata.ld left as it is" >&2
fi
