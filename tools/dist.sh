#!/usr/bin/env bash
# Builds the paasc binary as shipped and benchmarked, and prints its path.
#
#   tools/dist.sh [CARGO ARGS...]      e.g. tools/dist.sh -q
#
# The release profile (fat LTO, one codegen unit, panic = abort). On Linux the binary is also
# linked statically, at a fixed address (`+crt-static`, `relocation-model=static`): a start then
# runs no dynamic loader and relocates nothing, which took about a tenth of `paasc check`'s time
# on an example (docs/performance-log.md). On x86-64 it is linked with musl where its Rust
# standard library (`rustup target add x86_64-unknown-linux-musl`) and `musl-gcc` (Debian:
# musl-tools, for mimalloc's C) are installed, else with glibc: glibc's static start-up runs
# about 70 `cpuid` instructions to size its caches and pick its string functions, each a VM
# exit under a hypervisor, and took 0.2 ms more than musl's for a C program that prints one
# line. The flags go through `--target`, which keeps them off build scripts and proc-macros
# (those must stay dynamic libraries), so the binary lands in
# $CARGO_TARGET_DIR/<target>/release/. There, too, its functions are linked in the order of
# tools/paasc.order. Elsewhere it is a plain `cargo build --release`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
# cargo reads a relative CARGO_TARGET_DIR from the root, where it runs; the printed path is whole.
case $target_dir in /*) ;; *) target_dir=$root/$target_dir ;; esac
host=$(rustc -vV | sed -n 's/^host: //p')
cd "$root"
case $host in
*-linux-gnu)
    target=$host
    musl=${host%-gnu}-musl
    sysroot=$(rustc --print sysroot)
    cc=()
    features=()
    # Only on x86-64, where mem.rs replaces musl's slow string functions.
    if [ "${host%%-*}" = x86_64 ] && [ -d "$sysroot/lib/rustlib/$musl/lib" ] &&
        command -v musl-gcc >/dev/null; then
        target=$musl
        cc=("CC_${musl//-/_}=musl-gcc")
        # mimalloc also serves musl's own allocations (opendir's buffer, ...): musl's allocator
        # mapped and unmapped a page for each directory paasc lists. main.rs's mem.rs replaces
        # musl's memcpy, memmove, memcmp and bcmp.
        features=(--features mimalloc/override)
    else
        echo "dist.sh: linking with glibc; for the musl binary as benchmarked: rustup target add $musl, and musl-gcc (Debian: musl-tools)" >&2
    fi
    # MI_NO_GETENV: mimalloc reads no environment variable; its options are its defaults. Its
    # constructor otherwise looks each of its 40 options up twice (mimalloc_NAME, MIMALLOC_NAME):
    # a third of a bare start's instructions, in code run nowhere else, whose 14 page faults made
    # it 10-13% of an example's `check` (docs/performance-log.md). And paasc's output no longer
    # changes with MIMALLOC_* variables set for other programs (MIMALLOC_VERBOSE=1 wrote to its
    # standard error). A `cargo build` (tests, the language server under development) still reads
    # them, for allocator experiments.
    # MI_SKIP_COLLECT_ON_EXIT: at exit, mimalloc no longer frees its pages one by one and returns
    # them to the kernel (six madvise calls after the output is written), which exit does anyway;
    # its own comment says this collection is only needed inside a shared library.
    # The cc crate joins CFLAGS, TARGET_CFLAGS, CFLAGS_<target> and CFLAGS_<target with _>, so
    # the defines go into the last, after what the caller set there.
    # MI_LAZY_PROCESS_INIT (third_party/libmimalloc-sys/PAASC.md): mimalloc is initialized by
    # the first allocation it serves, not by a constructor at start-up. A one-project `check`
    # or `compile` allocates from main.rs's arena alone, and the constructor's work (its
    # statics' pages, the random seed, /proc/sys/vm/overcommit_memory) went for nothing.
    defines="-DMI_NO_GETENV -DMI_SKIP_COLLECT_ON_EXIT -DMI_LAZY_PROCESS_INIT"
    cflags_var=CFLAGS_${target//-/_}
    # The functions the benchmarked commands run are linked first, together (tools/order.sh says
    # why). The list is passed to the final link only, under a name that holds its hash, so a new
    # list relinks the binary and nothing else is rebuilt.
    order=$root/tools/paasc.order
    link=()
    # Only LLD reads such a list. rustup's toolchains carry it (gcc-ld/ld.lld in the sysroot) and
    # link with it by default here since 1.90; the two flags rustc then gives the C compiler are
    # given here too, so that an older toolchain links with it as well. A toolchain without it
    # (a distribution's rustc, say) links as it always did, without the list.
    gcc_ld=$sysroot/lib/rustlib/$host/bin/gcc-ld
    if [ -f "$order" ] && [ -x "$gcc_ld/ld.lld" ]; then
        mkdir -p "$target_dir"
        copy=$target_dir/paasc-$(sha256sum "$order" | cut -c1-16).order
        [ -f "$copy" ] || { cp "$order" "$copy.$$" && mv -f "$copy.$$" "$copy"; }
        link=(-C "link-arg=-B$gcc_ld" -C link-arg=-fuse-ld=lld
            -C "link-arg=-Wl,--symbol-ordering-file=$copy" -C link-arg=-Wl,--no-warn-symbol-ordering)
    fi
    # The read-only data a run reads, placed first and together in the same way (tools/order.sh
    # writes this linker script fragment): its constants were spread over the first 750 KB of
    # `.rodata`, a page fault for each of a dozen windows of 64 KiB. Its input sections are
    # named after the order LLVM made the constants in, which changes with the code: the map
    # the linker writes beside the binary tells tools/bench.sh how many still match.
    rodata=$root/tools/paasc.rodata.ld
    if [ ${#link[@]} -gt 0 ]; then
        link+=(-C "link-arg=-Wl,-Map=$target_dir/$target/release/paasc.map")
        if [ -f "$rodata" ]; then
            script=$target_dir/paasc-$(sha256sum "$rodata" | cut -c1-16).ld
            [ -f "$script" ] || { cp "$rodata" "$script.$$" && mv -f "$script.$$" "$script"; }
            link+=(-C "link-arg=-Wl,-T,$script")
        fi
    fi
    # build DIR ORDER [RUSTFLAG...]: the binary, built in DIR with these flags added for every
    # crate, and linked in the order above when ORDER is `ordered`.
    build() {
        local dir=$1 ordered=$2 flags="['-C', 'target-feature=+crt-static', '-C', 'relocation-model=static'"
        shift 2
        for f in "$@"; do flags="$flags, '$f'"; done
        local args=()
        [ "$ordered" != ordered ] || args=(${link[@]+"${link[@]}"})
        CARGO_TARGET_DIR=$dir env "$cflags_var=${!cflags_var:-} $defines" \
            ${cc[@]+"${cc[@]}"} cargo rustc --release -p paasc --bin paasc --target "$target" ${features[@]+"${features[@]}"} \
            --config "target.$target.rustflags = $flags]" ${cargo_args[@]+"${cargo_args[@]}"} \
            -- ${args[@]+"${args[@]}"}
    }
    cargo_args=("$@")
    # Profile-guided optimisation (docs/performance-log.md): a first build counts how often each
    # branch and call runs (-Cprofile-generate) while it checks and compiles the examples and the
    # golden cases; the shipped binary is then built with those counts (-Cprofile-use), which
    # lays the code a run takes out together and inlines along it. It needs LLVM's llvm-profdata
    # of the toolchain's own LLVM (rustup component add llvm-tools) and the target's profiler
    # runtime; without them, or with PAASC_PGO=0 (quicker, for experiments), the binary is built
    # without.
    profdata=$sysroot/lib/rustlib/$host/bin/llvm-profdata
    pgo=()
    if [ "${PAASC_PGO:-1}" != 0 ] && [ -x "$profdata" ] &&
        compgen -G "$sysroot/lib/rustlib/$target/lib/libprofiler_builtins-*.rlib" >/dev/null; then
        # A fixed path in the flags (a new one would rebuild every crate); the runs write where
        # LLVM_PROFILE_FILE says. Its link order does not matter, and a new one would retrain.
        build "$target_dir/pgo" plain "-Cprofile-generate=$target_dir/pgo/counts"
        # The counts of one instrumented binary and training are kept under their hash: a run's
        # counts vary a little (std's hash seeds, threads), and new counts would rebuild every
        # crate.
        trained=$target_dir/pgo/$target/release/paasc
        counts=$target_dir/paasc-$(cat "$trained" "$root/tools/pgo-train.sh" | sha256sum | cut -c1-16).profdata
        if [ ! -f "$counts" ]; then
            raw=$(mktemp -d "${TMPDIR:-/tmp}/paasc-pgo.XXXXXX")
            trap 'rm -rf "$raw"' EXIT
            LLVM_PROFILE_FILE="$raw/counts/%p.profraw" "$root/tools/pgo-train.sh" "$trained" "$raw/out" >"$raw/log" 2>&1 ||
                { echo "dist.sh: the profile-guided build's training failed:" >&2; tail -20 "$raw/log" >&2; exit 1; }
            "$profdata" merge -o "$counts.$$" "$raw/counts"
            mv -f "$counts.$$" "$counts"
        fi
        # With counts, the blocks that never ran in training go to a part of their own
        # (`name.cold`), away from the code a run takes. Only those: by default LLVM also moves
        # blocks run less often than the hottest loops, which in a process that runs most of
        # its code once are blocks every run takes. Within a function, the blocks are laid out by
        # LLVM's ext-TSP model (the layout that keeps the code the profile runs in the fewest
        # cache lines) in place of its default chain placement: `check flask-redis-s3` 1-2%
        # faster, paired (docs/performance-log.md, session 32).
        pgo=("-Cprofile-use=$counts" -Cllvm-args=-enable-split-machine-functions -Cllvm-args=-mfs-psi-cutoff=0 -Cllvm-args=-enable-ext-tsp-block-placement)
    elif [ "${PAASC_PGO:-1}" != 0 ]; then
        echo "dist.sh: building without profile-guided optimisation; for the binary as benchmarked: rustup component add llvm-tools" >&2
    fi
    build "$target_dir" ordered ${pgo[@]+"${pgo[@]}"}
    bin=$target_dir/$target/release/paasc
    # mem.rs's functions must not reach a call other than of mem.rs's own functions (checked
    # alike): one LLVM made into a call of memcpy or memcmp would be a call of themselves.
    if [ "$target" = "$musl" ]; then
        command -v objdump >/dev/null || { echo "dist.sh: objdump (binutils) must check $bin's string functions" >&2; exit 1; }
        todo=(memcpy memmove memcmp bcmp) checked=()
        while [ ${#todo[@]} -gt 0 ]; do
            f=${todo[0]} todo=("${todo[@]:1}") checked+=("$f")
            calls=$(objdump -d --no-show-raw-insn --disassemble="$f" "$bin" | grep -E '\s(call|jmp)\s' | grep -v "<$f[+>]" || true)
            own=$(grep -oE '<_ZN5paasc3mem[0-9A-Za-z_]+E>' <<<"$calls" | tr -d '<>' | sort -u || true)
            calls=$(grep -vE '<_ZN5paasc3mem[0-9A-Za-z_]+E>' <<<"$calls" || true)
            [ -z "$calls" ] || { echo "dist.sh: $f in $bin calls out: $calls" >&2; exit 1; }
            for g in $own; do
                [[ " ${checked[*]} ${todo[*]} " == *" $g "* ]] || todo+=("$g")
            done
        done
    fi
    echo "$bin"
    ;;
*)
    cargo build --release --bin paasc "$@"
    echo "$target_dir/release/paasc"
    ;;
esac
