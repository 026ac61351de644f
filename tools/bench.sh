#!/usr/bin/env bash
# Benchmarks of paasc, process start to exit (hyperfine) and peak memory (GNU time). See README,
# "Performance". Needs hyperfine (`apt-get install -y hyperfine`), GNU time and python3.
#
#   tools/bench.sh            everything; prints the README's tables (markdown) to stdout
#   tools/bench.sh --quick    fewer runs, no 1000x points (a smoke test of the script)
#   tools/bench.sh --readme   everything, and the tables replace the README's (between the
#                             `bench:begin` and `bench:end` markers of "Performance")
#   tools/bench.sh --floors   only the ratios to the floors (point 1 of the README's targets)
#
# Measures, with the paasc binary as shipped (tools/dist.sh: the release build, static on Linux):
#   - the ratios to the floors (`paasc-floor`, std only): `paasc check` of each example against
#     a process that reads exactly the files it reads (listed by strace), and `paasc compile` to
#     a fresh OUT and to an OUT already current against a process that reads the same inputs and
#     writes the same files the same way (compared first, identical ones skipped, the others
#     written to a temporary name and renamed). Paired runs, interleaved (A B, B A, ...), so the
#     load of a shared machine falls on both sides alike; the ratio is the median of the pairs';
#   - `paasc check` and `paasc compile` (default profile, every artifact) of every example;
#   - a generated charmcraft.yaml with 100 options and 10 integrations (1x), 10x and 100x that
#     (10,000 options, 1,000 integrations), and 1000x where it fits the 8 MiB input limit:
#     check, and compile with a profile giving only the secret key;
#   - a profile setting 100, 1,000, 10,000 (and 100,000) config values: compile;
#   - 10, 100 and 1,000 app projects (copies of the examples) compiled by one
#     `paasc compile DIR... -o OUT` (projects in parallel on every core), against its floor (the
#     same reads and the same files written the same way, on one thread per core: `paasc-floor
#     write -j`), and, to compare, one after another in one process on one core (`paasc-bench run`);
#   - hostile inputs, each of which must end within 1 s and 100 MB with its diagnostics (exit 1):
#     huge unit counts, 1,000 and 10,000 typos against 50,000 similar options, 10,000 warnings,
#     100,000 unknown keys, 50,000 duplicate keys (human output), and the human renderer alone
#     at 5,000, 10,000 and 20,000 diagnostics (`paasc-bench render`, no cap).
#   - `paasc lsp`: median time from didChange to publishDiagnostics on three example files
#     (tools/lsp-bench.py, a stdio LSP client; 200 edits each).
# Outputs go to a temporary directory on /dev/shm (unless TMPDIR is set), generated inputs to one
# in TMPDIR or /tmp (paasc reads nothing under /dev); both are removed at the end.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
quick=false readme=false floors_only=false
[ "${1:-}" = --quick ] && quick=true
[ "${1:-}" = --readme ] && readme=true
[ "${1:-}" = --floors ] && floors_only=true
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target-bench}

for tool in hyperfine python3 /usr/bin/time strace; do
    command -v "$tool" >/dev/null || { echo "bench.sh needs $tool" >&2; exit 2; }
done

echo "building (release, as shipped: tools/dist.sh) ..." >&2
paasc=$("$root/tools/dist.sh" -q)
$floors_only || (cd "$root/bench" && cargo build -q --release)
# Whether the link order (tools/order.sh) holds in this binary: how many of the list's functions
# it still has, and how many 64 KiB windows of code they lie in (all the code's: the list was not
# applied; about a third: it was).
order_found=none
if [ -f "$root/tools/paasc.order" ] && command -v nm >/dev/null; then
    order_found=$(nm -S "$paasc" | python3 -c '
import sys
names = {l.strip() for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")}
found, windows, code = set(), set(), set()
for line in sys.stdin:
    f = line.split()
    if len(f) == 4 and f[2] in "dDbB" and f[3] in names:
        found.add(f[3])
    if len(f) == 4 and f[2] in "tTwWi":
        at, size = int(f[0], 16), int(f[1], 16)
        spans = set(range(at >> 16, ((at + max(size, 1) - 1) >> 16) + 1))
        code |= spans
        if f[3] in names:
            found.add(f[3])
            windows |= spans
print(f"{len(found)} of {len(names)} functions and data symbols found, the functions in {len(windows)} of the code\x27s {len(code)} windows of 64 KiB")
' "$root/tools/paasc.order")
fi
# And the read-only data's: how many of the script's input sections the linker's map still has.
if [ -f "$root/tools/paasc.rodata.ld" ] && [ -f "$paasc.map" ]; then
    order_found="$order_found; read-only data: $(python3 "$root/tools/data-order.py" --check "$paasc.map" "$root/tools/paasc.rodata.ld")"
fi
echo "link order: $order_found" >&2
helper=$CARGO_TARGET_DIR/release/paasc-bench
# The floor's Rust code uses std alone: built by rustc, without the bench package's dependencies
# (with musl it links one C library, below).
floor=$CARGO_TARGET_DIR/release/paasc-floor
# Linked statically for paasc's target where tools/dist.sh links paasc so (on Linux; musl where it
# can), so that the two start alike and the ratio measures paasc's work, not a start-up: on a KVM
# guest the dynamic start-up of glibc, which rustc links by default, can take most of a
# millisecond by itself (its cache sizing runs cpuid, a VM exit each time). With musl it also
# takes the mimalloc paasc was just built with (its `override` feature: malloc itself), as paasc
# does: musl's own allocator maps and unmaps a page for each directory listed, which made the
# floor of 100 apps in one `compile` 24% slower than the same floor on mimalloc. It keeps musl's
# string functions (paasc replaces them, mem.rs), which change nothing measurable here.
floor_target=$(basename "$(dirname "$(dirname "$paasc")")")
if [[ $floor_target == *-linux-* ]] && rustc --print target-list | grep -x "$floor_target" >/dev/null; then
    floor_link="static, $floor_target"
    floor_alloc=()
    if [[ $floor_target == *-musl ]]; then
        mimalloc_lib=$(ls -t "$CARGO_TARGET_DIR/$floor_target"/release/build/libmimalloc-sys-*/out/libmimalloc.a 2>/dev/null | head -1 || true)
        [ -n "$mimalloc_lib" ] || { echo "bench.sh: no libmimalloc.a from tools/dist.sh's build" >&2; exit 1; }
        floor_alloc=(-L "native=$(dirname "$mimalloc_lib")" -l static:+whole-archive=mimalloc -C link-arg=-lgcc)
        floor_link="$floor_link, on paasc's mimalloc"
    fi
    rustc --edition 2021 -C opt-level=3 --target "$floor_target" -C target-feature=+crt-static \
        -C relocation-model=static ${floor_alloc[@]+"${floor_alloc[@]}"} "$root/bench/src/floor.rs" -o "$floor"
else
    floor_link="as rustc links by default"
    rustc --edition 2021 -C opt-level=3 "$root/bench/src/floor.rs" -o "$floor"
fi
echo "floor linked $floor_link" >&2

# Outputs on tmpfs when there is one, so the numbers are paasc's and not the disk's (this VM's
# ext4 with discard spends ~0.4 ms of kernel time per file written and renamed). The generated
# inputs cannot be there: paasc reads no file that resolves into /dev, /proc or /sys (F001), so
# they go to TMPDIR (or /tmp), where after the first run they are read from the page cache.
base=${TMPDIR:-/tmp}
[ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
tmp=$(mktemp -d "$base/paasc-bench.XXXXXX")
inputs_base=${TMPDIR:-/tmp}
case $(realpath "$inputs_base") in /dev | /dev/* | /proc | /proc/* | /sys | /sys/*) inputs_base=/tmp ;; esac
gen=$(mktemp -d "$inputs_base/paasc-bench-inputs.XXXXXX")
trap 'rm -rf "$tmp" "$gen"' EXIT
# Both binaries run from copies made here, at one moment. This machine's kernel holds a file
# just written in large folios of the page cache, and a start then maps several 64 KiB windows
# of its code per page fault; some minutes later the folios have been split, and the same bytes
# make about a fifth more page faults and run 20-25% slower (docs/performance-log.md). A paasc
# left from an earlier build would be measured in that later state and its floor in the first.
mkdir "$gen/bin"
cp "$paasc" "$gen/bin/paasc"
cp "$floor" "$gen/bin/paasc-floor"
paasc=$gen/bin/paasc floor=$gen/bin/paasc-floor
results=$tmp/results.tsv
: > "$results"

# measure [-i] NAME RUNS COMMAND...: median and mean in ms, into results.tsv (-i: the command
# is expected to fail, with exit 1)
measure() {
    local ignore=()
    if [ "$1" = -i ]; then ignore=(-i); shift; fi
    local name=$1 runs=$2
    shift 2
    if $quick; then runs=3; fi
    hyperfine -N "${ignore[@]}" --style none --warmup 1 --runs "$runs" --export-json "$tmp/h.json" "$*" >/dev/null 2>&1 \
        || { echo "benchmark failed: $name: $*" >&2; "$@" >&2 || true; exit 1; }
    python3 - "$tmp/h.json" "$name" >>"$results" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{sys.argv[2]}\t{r['median'] * 1000:.2f}\t{r['min'] * 1000:.2f}\t{r['max'] * 1000:.2f}\t{len(r['times'])}")
EOF
    echo "  $name: $(tail -1 "$results" | cut -f2) ms" >&2
}

# peak NAME COMMAND...: peak resident memory in MB, into peaks.tsv
peak() {
    local name=$1
    shift
    /usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>&1 || true
    awk -v kib="$(tail -1 "$tmp/rss")" -v name="$name" 'BEGIN { printf "%s\t%.1f\n", name, kib / 1024 }' >>"$tmp/peaks.tsv"
}
: > "$tmp/peaks.tsv"

# ratio NAME TARGET RUNS [--fresh DIR] -- A... -- B...: paired medians of A (paasc) and B (its
# floor) and their ratio, into ratios.tsv
: > "$tmp/ratios.tsv"
ratio() {
    local name=$1 target=$2 runs=$3
    shift 3
    if $quick; then runs=5; fi
    local a b r
    read -r a b r < <("$floor" pair "$runs" "$@") || { echo "benchmark failed: $name" >&2; exit 1; }
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$a" "$b" "$r" "$target" >>"$tmp/ratios.tsv"
    echo "  $name: $a ms, floor $b ms: ${r}x (target ${target}x)" >&2
}

# reads LIST COMMAND...: what COMMAND opens for reading and lists, outside OUT and the system
# directories, as `paasc-floor read` takes it
reads() {
    local list=$1
    shift
    strace -f -qq -e trace=openat,open -o "$tmp/strace" "$@" >/dev/null 2>&1 || true
    python3 - "$tmp/strace" "$tmp/out" >"$list" <<'EOF'
import re, sys
skip = ("/etc/", "/lib", "/usr/", "/proc/", "/sys/", sys.argv[2])
for line in open(sys.argv[1]):
    m = re.search(r'open(?:at)?\((?:AT_FDCWD, )?"([^"]*)", ([A-Z_|]+)', line)
    if not m or m.group(1).startswith(skip) or "O_WRONLY" in m.group(2) or "O_RDWR" in m.group(2):
        continue
    if m.group(1).startswith("/dev/") and not m.group(1).startswith("/dev/shm/"):
        continue
    print(("d " if "O_DIRECTORY" in m.group(2) else "f ") + m.group(1))
EOF
}

echo "floors ..." >&2
for ex in "$root"/examples/*/; do
    ex=${ex%/}
    name=$(basename "$ex")
    reads "$tmp/check-reads-$name" "$paasc" check "$ex"
    ratio "check $name" 2 200 -- "$paasc" check "$ex" -- "$floor" read "$tmp/check-reads-$name"
    rm -rf "$tmp/out/ref"
    "$paasc" compile "$ex" -o "$tmp/out/ref" >/dev/null 2>&1
    "$floor" bundle "$tmp/out/ref" "$tmp/bundle-$name"
    reads "$tmp/compile-reads-$name" "$paasc" compile "$ex" -o "$tmp/out/ref"
    ratio "compile $name, fresh OUT" 1.5 200 --fresh "$tmp/out/fresh" -- "$paasc" compile "$ex" -o "$tmp/out/fresh" \
        -- "$floor" write "$tmp/compile-reads-$name" "$tmp/bundle-$name" "$tmp/out/fresh"
    ratio "compile $name, OUT current" 1.5 200 -- "$paasc" compile "$ex" -o "$tmp/out/cur-a" \
        -- "$floor" write "$tmp/compile-reads-$name" "$tmp/bundle-$name" "$tmp/out/cur-b"
done

if $floors_only; then
    column -t -s $'\t' -N benchmark,paasc,floor,ratio,target "$tmp/ratios.tsv"
    exit 0
fi

echo "examples ..." >&2
for ex in "$root"/examples/*/; do
    ex=${ex%/}
    name=$(basename "$ex")
    measure "check $name" 30 "$paasc" check "$ex"
    measure "compile $name" 30 "$paasc" compile "$ex" -o "$tmp/out/$name"
    peak "check $name" "$paasc" check "$ex"
    peak "compile $name" "$paasc" compile "$ex" -o "$tmp/out/$name"
done

scales="1 10 100 1000"
$quick && scales="1 10 100"
for s in $scales; do
    echo "scale ${s}x ..." >&2
    runs=$((s >= 1000 ? 5 : s >= 100 ? 10 : 20))
    opts=$((100 * s)) ints=$((10 * s))
    charm=$gen/charm-$s
    "$helper" charm "$charm" "$opts" "$ints"
    size=$(wc -c < "$charm/charm/charmcraft.yaml")
    if [ "$size" -le $((8 * 1024 * 1024)) ]; then
        measure "check charm ${s}x ($opts options, $ints integrations, $((size / 1024)) KiB)" "$runs" "$paasc" check "$charm"
        measure "compile charm ${s}x ($opts options, $ints integrations)" "$runs" "$paasc" compile "$charm" -o "$tmp/out/charm-$s"
        peak "compile charm ${s}x" "$paasc" compile "$charm" -o "$tmp/out/charm-$s"
    else
        echo "  charm ${s}x: $((size / 1024)) KiB is over the 8 MiB input limit; skipped" >&2
    fi
    values=$((100 * s))
    prof=$gen/profile-$s
    "$helper" profile "$prof" "$values"
    psize=$(wc -c < "$prof/profiles/default.yaml")
    csize=$(wc -c < "$prof/charm/charmcraft.yaml")
    if [ "$csize" -le $((8 * 1024 * 1024)) ] && [ "$psize" -le $((8 * 1024 * 1024)) ]; then
        measure "compile profile ${s}x ($values values, $((psize / 1024)) KiB)" "$runs" "$paasc" compile "$prof" -o "$tmp/out/profile-$s"
        peak "compile profile ${s}x" "$paasc" compile "$prof" -o "$tmp/out/profile-$s"
    else
        echo "  profile ${s}x: over the 8 MiB input limit; skipped" >&2
    fi
    if [ "$s" -le 100 ]; then
        n=$((10 * s))
        apps=$gen/apps-$s
        "$helper" apps "$apps" "$n" "$root/examples"
        # One invocation over every project directory (the names have no spaces: hyperfine -N
        # splits the command on whitespace).
        dirs=$(find "$apps" -mindepth 1 -maxdepth 1 -type d | sort | tr '\n' ' ')
        # shellcheck disable=SC2086 # one word per directory
        measure "compile $n apps, one paasc compile (${s}x)" $((s >= 100 ? 10 : 20)) "$paasc" compile $dirs -o "$tmp/out/apps-$s"
        # shellcheck disable=SC2086
        peak "compile $n apps, one paasc compile" "$paasc" compile $dirs -o "$tmp/out/apps-$s"
        # Its floor: the same reads, and the same files written the same way, on as many threads
        # as paasc uses (one per core), each taking whole projects.
        # shellcheck disable=SC2086
        reads "$tmp/apps-reads-$s" "$paasc" compile $dirs -o "$tmp/out/apps-$s"
        "$floor" bundle "$tmp/out/apps-$s" "$tmp/bundle-apps-$s"
        # shellcheck disable=SC2086
        ratio "compile $n apps, one paasc compile, fresh OUT" - $((s >= 100 ? 5 : 10)) --fresh "$tmp/out/apps-fresh" \
            -- "$paasc" compile $dirs -o "$tmp/out/apps-fresh" \
            -- "$floor" write -j "$(nproc)" "$tmp/apps-reads-$s" "$tmp/bundle-apps-$s" "$tmp/out/apps-fresh"
        # Into an OUT already current: the floor reads each file there and compares it (its first,
        # unmeasured run writes its copy).
        # shellcheck disable=SC2086
        ratio "compile $n apps, one paasc compile, OUT current" - $((s >= 100 ? 5 : 10)) \
            -- "$paasc" compile $dirs -o "$tmp/out/apps-$s" \
            -- "$floor" write -j "$(nproc)" "$tmp/apps-reads-$s" "$tmp/bundle-apps-$s" "$tmp/out/apps-cur-$s"
        rm -f "$tmp/bundle-apps-$s"
        measure "compile $n apps one after another in one process (${s}x)" $((s >= 100 ? 5 : 10)) "$helper" run "$apps" "$tmp/out/apps-seq-$s"
        peak "compile $n apps one after another in one process" "$helper" run "$apps" "$tmp/out/apps-seq-$s"
    fi
done

echo "hostile inputs ..." >&2
h=$gen/hostile
"$helper" charm "$h/units" 100 10
printf 'secret-key: bench\nunits: 1000000000\n' > "$h/units/profiles/billion.yaml"
printf 'secret-key: bench\nunits: 9223372036854775807\n' > "$h/units/profiles/i64.yaml"
printf 'secret-key: bench\nunits: 190:20:30\n' > "$h/units/profiles/base60.yaml"
for p in billion i64 base60; do
    measure -i "compile, units from profile $p" 10 "$paasc" compile "$h/units" -o "$tmp/out/units" --profile "$p"
done
measure -i "compile --set units=10000000" 10 "$paasc" compile "$h/units" -o "$tmp/out/units" --set units=10000000
peak "compile --set units=10000000" "$paasc" compile "$h/units" -o "$tmp/out/units" --set units=10000000
"$helper" typos "$h/typos-1k" 50000 1000
"$helper" typos "$h/typos-10k" 50000 10000
"$helper" requires "$h/requires-10k" 10000
"$helper" unknown-keys "$h/unknown-100k" 100000
"$helper" duplicate-keys "$h/duplicate-50k" 50000
for case in typos-1k typos-10k requires-10k unknown-100k duplicate-50k; do
    measure -i "check $case, human" 5 "$paasc" check "$h/$case"
    peak "check $case, human" "$paasc" check "$h/$case"
    measure -i "check $case, json" 5 "$paasc" check "$h/$case" --format json
done
for n in 5000 10000 20000; do
    measure "human renderer alone, $n diagnostics" 5 "$helper" render "$n"
done

machine="$(nproc) cores of an $(lscpu | sed -n 's/^Model name: *//p' | head -1) ($(lscpu | sed -n 's/^Hypervisor vendor: *//p' | head -1 || true)), $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr), $(rustc --version | cut -d' ' -f1-2); paasc $(git -C "$root" rev-parse --short HEAD), $(date -u +%Y-%m-%d), link order: $order_found; floor linked $floor_link; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
python3 - "$tmp" "$machine" >"$tmp/report.md" <<'EOF'
import re, sys
tmp, machine = sys.argv[1], sys.argv[2]
rows = [l.rstrip("\n").split("\t") for l in open(f"{tmp}/results.tsv")]
med = {r[0]: float(r[1]) for r in rows}
peaks = dict(l.rstrip("\n").split("\t") for l in open(f"{tmp}/peaks.tsv"))
ratios = [l.rstrip("\n").split("\t") for l in open(f"{tmp}/ratios.tsv")]
def ms(v):
    return f"{v:,.0f} ms" if v >= 100 else f"{v:.1f} ms"
out = [f"Machine: {machine}.", ""]
out += ["| paasc against its floor (paired runs, medians) | paasc | floor | ratio | target |",
        "|---|---:|---:|---:|---|"]
for name, a, b, r, t in ratios:
    goal = "none" if t == "-" else f"≤ {t}×: " + ("met" if float(r) <= float(t) else "**not met**")
    out.append(f"| {name} | {float(a):.2f} ms | {float(b):.2f} ms | {float(r):.2f}× | {goal} |")
out.append("")
series = [("`check` charm (100 options, 10 integrations per 1×)", r"check charm (\d+)x"),
          ("`compile` charm", r"compile charm (\d+)x"),
          ("`compile` profile (100 values per 1×)", r"compile profile (\d+)x"),
          ("apps (10 per 1×), one `paasc compile`", r"compile \d+ apps, one paasc compile \((\d+)x\)"),
          ("apps one after another in one process", r"compile \d+ apps one after another in one process \((\d+)x\)")]
out += ["| benchmark | 1× | 10× | 100× | 1000× | ×, per step of 10 |", "|---|---:|---:|---:|---:|---|"]
for title, pat in series:
    got = {}
    for name, v in med.items():
        m = re.match(pat, name)
        if m:
            got[int(m.group(1))] = v
    cells = [ms(got[s]) if s in got else "—" for s in (1, 10, 100, 1000)]
    steps = [f"{got[s * 10] / got[s]:.1f}" for s in (1, 10, 100) if s in got and s * 10 in got]
    out.append(f"| {title} | " + " | ".join(cells) + f" | {', '.join(steps)} |")
out.append("")
out += ["| example | `check` (every profile) | `compile` (default profile, every artifact; OUT current) | peak RSS |",
        "|---|---:|---:|---:|"]
for name, v in med.items():
    m = re.match(r"check ([a-z0-9-]+)$", name)
    if m:
        ex = m.group(1)
        out.append(f"| {ex} | {ms(v)} | {ms(med.get('compile ' + ex, 0))} | {float(peaks.get('compile ' + ex, 0)):.1f} MiB |")
out.append("")
def find(pat):
    return next((v for n, v in med.items() if re.match(pat, n)), None)
apps = find(r"compile 1000 apps, one paasc compile")
opts = find(r"check charm 100x")
out += ["| target | result |", "|---|---|"]
def floor_of(pat):
    return next(((float(a), float(b)) for n, a, b, _, _ in ratios if re.match(pat, n)), None)
fresh = floor_of(r"compile 1000 apps, one paasc compile, fresh OUT")
current = floor_of(r"compile 1000 apps, one paasc compile, OUT current")
also = (f" (its floor, the same reads and comparisons on one thread per core, {ms(current[1])})"
        if current else "")
also += (f"; into a fresh OUT {ms(fresh[0])}, where its floor (the same reads and writes, one thread"
         f" per core) takes {ms(fresh[1])}") if fresh else ""
for title, v, limit, more in (("1,000 apps in one `paasc compile`", apps, 300, " into an OUT already current" + also),
                              ("`check` of 10,000 options", opts, 30, "")):
    if v is not None:
        out.append(f"| {title} ≤ {limit} ms | {'met' if v <= limit else '**not met**'}: {ms(v)}{more} |")
print("\n".join(out))
EOF
cat "$tmp/report.md"
echo
echo "| every benchmark | median (ms) | min | max | runs |"
echo "|---|---:|---:|---:|---:|"
awk -F'\t' '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}' "$results"
echo
echo "| peak resident memory | MiB |"
echo "|---|---:|"
awk -F'\t' '{printf "| %s | %s |\n", $1, $2}' "$tmp/peaks.tsv"
echo
echo "paasc lsp: didChange to publishDiagnostics (tools/lsp-bench.py, a stdio LSP client)"
echo
lsp_runs=200
$quick && lsp_runs=10
python3 "$root/tools/lsp-bench.py" "$paasc" --runs "$lsp_runs" --markdown \
    "$root/examples/flask-minimal/rockcraft.yaml" \
    "$root/examples/flask-postgresql/charm/charmcraft.yaml" \
    "$root/examples/flask-redis-s3/profiles/default.yaml"
if $readme; then
    python3 - "$root/README.md" "$tmp/report.md" <<'EOF'
import sys
readme, report = sys.argv[1], open(sys.argv[2]).read()
text = open(readme).read()
begin, end = "<!-- bench:begin (tools/bench.sh --readme) -->\n", "<!-- bench:end -->\n"
i, j = text.index(begin) + len(begin), text.index(end)
open(readme, "w").write(text[:i] + report + text[j:])
EOF
    echo "README.md: Performance tables replaced" >&2
fi
