#!/usr/bin/env bash
# Fuzzing paasc with cargo-fuzz (libFuzzer). See README, "Fuzzing".
#
#   tools/fuzz.sh build                  build both targets
#   tools/fuzz.sh seed                   (re)write fuzz/seeds/<target>/ from examples/ and golden/
#   tools/fuzz.sh run TARGET [SECONDS]   fuzz TARGET (front_end | profile_emit), default 900 s,
#                                        in one process (one core); prints the run's record
#   tools/fuzz.sh replay TARGET FILE...  run inputs once (a crash reproduces with its message)
#   tools/fuzz.sh tmin TARGET FILE       minimise a crashing input
#
# cargo-fuzz needs nightly Rust; on a stable toolchain RUSTC_BOOTSTRAP=1 lets it pass the -Z
# flags it uses. Install it with `cargo install cargo-fuzz --locked`. Builds go to
# $CARGO_TARGET_DIR (default target-fuzz/), apart from the main workspace's target/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
fuzz="$root/fuzz"
export RUSTC_BOOTSTRAP=1
target_dir=${CARGO_TARGET_DIR:-$root/target-fuzz}
# No sanitizer: paasc forbids unsafe code, and ASan would cost half the throughput on a 2-core
# machine. Debug assertions and overflow checks stay on.
build_flags=(-s none -a --codegen-units 8 --target-dir "$target_dir")
sep=$'\n@@paasc@@\n'

need_cargo_fuzz() {
    if ! cargo fuzz --version >/dev/null 2>&1; then
        echo "cargo-fuzz is not installed: cargo install cargo-fuzz --locked" >&2
        exit 2
    fi
}

charm_file() {
    if [ -f "$1/charmcraft.yaml" ]; then echo "$1/charmcraft.yaml"
    elif [ -f "$1/charm/charmcraft.yaml" ]; then echo "$1/charm/charmcraft.yaml"
    fi
}

# front_end: rockcraft.yaml SEP charmcraft.yaml (SEP path NL contents)*
seed_front_end() {
    local out="$fuzz/seeds/front_end" d name charm f rel
    rm -rf "$out" && mkdir -p "$out"
    for d in "$root"/examples/*/ "$root"/golden/ok/*/ "$root"/golden/errors/*/; do
        d=${d%/}
        name=$(basename "$(dirname "$d")")-$(basename "$d")
        charm=$(charm_file "$d")
        {
            [ -f "$d/rockcraft.yaml" ] && cat "$d/rockcraft.yaml"
            printf '%s' "$sep"
            [ -n "$charm" ] && cat "$charm"
            (cd "$d" && find . -type f ! -name '*.snap' ! -name case.md ! -path './profiles/*' \
                ! -path ./rockcraft.yaml ! -path ./charmcraft.yaml ! -path ./charm/charmcraft.yaml \
                | sed 's|^\./||' | LC_ALL=C sort) | while read -r rel; do
                printf '%s%s\n' "$sep" "$rel"
                cat "$d/$rel"
            done
        } > "$out/$name"
    done
}

# profile_emit: "PROJECT FORMAT" NL profile (SEP --set lines)?
seed_profile_emit() {
    local out="$fuzz/seeds/profile_emit" d key p fmt n=0
    rm -rf "$out" && mkdir -p "$out"
    for d in "$root"/examples/*/ "$root"/golden/errors/profile-*/; do
        d=${d%/}
        key=${d#"$root"/}
        for p in "$d"/profiles/*.yaml; do
            [ -f "$p" ] || continue
            for fmt in json human; do
                n=$((n + 1))
                { printf '%s %s\n' "$key" "$fmt"; cat "$p"; } > "$out/$(basename "$d")-$(basename "$p" .yaml)-$fmt"
            done
        done
        if [ -f "$d/profiles/default.yaml" ]; then
            {
                printf '%s json\n' "$key"
                cat "$d/profiles/default.yaml"
                printf '%s' "$sep"
                printf '%s\n' 'secret-key=s3cr3t' 'units=3' 'unit=2' 'config.flask-env=production' \
                    'proxy.http-proxy=http://user:pw@proxy:3128' 'kubernetes.replicas=2'
            } > "$out/$(basename "$d")-sets"
        fi
    done
}

seed() {
    seed_front_end
    seed_profile_emit
    echo "seeds: $(ls "$fuzz/seeds/front_end" | wc -l) front_end, $(ls "$fuzz/seeds/profile_emit" | wc -l) profile_emit"
}

build() {
    need_cargo_fuzz
    (cd "$fuzz" && cargo fuzz build "${build_flags[@]}")
}

run() {
    local target=$1 seconds=${2:-900}
    need_cargo_fuzz
    [ -d "$fuzz/seeds/$target" ] || seed
    mkdir -p "$fuzz/corpus/$target" "$fuzz/logs"
    local log
    log="$fuzz/logs/$target-$(date -u +%Y%m%dT%H%M%SZ).log"
    local started=$SECONDS status=0
    (cd "$fuzz" && cargo fuzz run "${build_flags[@]}" "$target" \
        "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -dict=yaml.dict -max_len=65536 \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1) >"$log" 2>&1 || status=$?
    local execs
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    echo "target:     $target"
    echo "date:       $(date -u +%Y-%m-%d)"
    echo "duration:   $((SECONDS - started)) s (asked: $seconds s)"
    echo "executions: ${execs:-?}"
    echo "corpus:     $(ls "$fuzz/corpus/$target" | wc -l) inputs (plus $(ls "$fuzz/seeds/$target" | wc -l) seeds)"
    echo "crashes:    $(ls "$fuzz/artifacts/$target" 2>/dev/null | wc -l) (fuzz/artifacts/$target)"
    echo "exit:       $status"
    echo "log:        $log"
    return "$status"
}

case "${1:-}" in
    build) build ;;
    seed) seed ;;
    run) run "${2:?target: front_end or profile_emit}" "${3:-900}" ;;
    replay)
        need_cargo_fuzz
        t=${2:?target}; shift 2
        (cd "$fuzz" && cargo fuzz build "${build_flags[@]}" "$t")
        "$target_dir/x86_64-unknown-linux-gnu/release/$t" -runs=1 "$@" ;;
    tmin)
        need_cargo_fuzz
        (cd "$fuzz" && cargo fuzz tmin "${build_flags[@]}" "${2:?target}" "${3:?file}") ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
esac
