#!/bin/bash
# craft-parts' lifecycle for one part (pull, build, stage, prime), as paasc's Dockerfile runs it.
#   craft.sh run RUN_DIR           every step of the part whose files are in RUN_DIR
#   craft.sh default RUN_DIR STEP  the built-in handler of STEP (what `craftctl default` runs)
# RUN_DIR holds part.sh (the part's directories, plugin, organize map, filesets, permissions),
# environment.sh (the scriptlet environment), build.sh (the plugin's build commands) and
# override-STEP.sh (the part's scriptlets, as written).
set -euo pipefail
shopt -s nullglob globstar

run_dir=$2

# The global environment craft-parts gives every step: architectures from BuildKit's
# TARGETARCH and BUILDARCH (Debian names; the build machine's when unset) and the build count.
deb_arch() {
  case $1 in
  ppc64le) echo ppc64el ;;
  arm) echo armhf ;;
  386) echo i386 ;;
  *) echo "$1" ;;
  esac
}
triplet() {
  case $1 in
  amd64) echo x86_64-linux-gnu ;;
  arm64) echo aarch64-linux-gnu ;;
  armhf) echo arm-linux-gnueabihf ;;
  ppc64el) echo powerpc64le-linux-gnu ;;
  riscv64) echo riscv64-linux-gnu ;;
  i386) echo i386-linux-gnu ;;
  *) echo "$1-linux-gnu" ;;
  esac
}
host_arch=$(dpkg --print-architecture)
CRAFT_ARCH_BUILD_ON=$(deb_arch "${BUILDARCH:-$host_arch}")
CRAFT_ARCH_BUILD_FOR=$(deb_arch "${TARGETARCH:-$host_arch}")
CRAFT_ARCH_TRIPLET_BUILD_ON=$(triplet "$CRAFT_ARCH_BUILD_ON")
CRAFT_ARCH_TRIPLET_BUILD_FOR=$(triplet "$CRAFT_ARCH_BUILD_FOR")
CRAFT_PARALLEL_BUILD_COUNT=$(nproc)
export CRAFT_ARCH_BUILD_ON CRAFT_ARCH_BUILD_FOR CRAFT_ARCH_TRIPLET_BUILD_ON CRAFT_ARCH_TRIPLET_BUILD_FOR CRAFT_PARALLEL_BUILD_COUNT
export CRAFT_ARCH_TRIPLET=$CRAFT_ARCH_TRIPLET_BUILD_FOR CRAFT_TARGET_ARCH=$CRAFT_ARCH_BUILD_FOR
# shellcheck source=/dev/null
. "$run_dir/part.sh"

# Paths (files and directories, with their parent directories) of a fileset over directory $1:
# craft-parts' migratable_filesets, includes globbed (`*` does not match hidden names, `**`
# recurses), a matched directory taking its whole tree, excludes removing theirs.
fileset() {
  local dir=$1 e
  shift
  local inc=() exc=()
  for e in "$@"; do
    case $e in
    -*) exc+=("${e:1}") ;;
    \\*) inc+=("${e:1}") ;;
    *) inc+=("$e") ;;
    esac
  done
  [ "${#inc[@]}" -gt 0 ] || inc=('*')
  [ -d "$dir" ] || return 0
  (
    cd "$dir"
    walk() {
      local p=${1%/}
      printf '%s\n' "$p"
      if [ -d "$p" ] && [ ! -L "$p" ]; then find "$p" -mindepth 1; fi
    }
    expand() {
      local e m
      for e in "$@"; do
        if [[ $e == *[*?]* ]]; then
          for m in $e; do walk "$m"; done
        elif [ -e "$e" ] || [ -L "$e" ]; then
          walk "$e"
        fi
      done
    }
    comm -23 <(expand "${inc[@]}" | sort -u) <(expand "${exc[@]}" | sort -u) |
      awk -F/ '{ p = $1; for (i = 2; i <= NF; i++) { print p; p = p "/" $i } print }' | sort -u
  )
}

# Copies the listed paths (file $3) from directory $1 to $2, keeping owners and modes.
migrate() {
  mkdir -p "$2"
  [ -s "$3" ] || return 0
  tar -C "$1" -cf - --no-recursion --verbatim-files-from -T "$3" | tar -C "$2" -xpf -
}

# craft-parts' organize: keys in order, wildcards last; a directory (key without wildcard)
# merges into its destination, anything else moves to it (into it, when it is a directory or
# the destination ends in `/`).
organize() {
  local i key dst src plain=() wild=()
  for ((i = 0; i < ${#ORGANIZE[@]}; i += 2)); do
    if [[ ${ORGANIZE[i]} == *[*?]* ]]; then wild+=("$i"); else plain+=("$i"); fi
  done
  for i in "${plain[@]}" "${wild[@]}"; do
    key=${ORGANIZE[i]}
    dst=$CRAFT_PART_INSTALL/${ORGANIZE[i + 1]#/}
    for src in $CRAFT_PART_INSTALL/$key; do
      [ -e "$src" ] || [ -L "$src" ] || continue
      if [ -d "$src" ] && [ ! -L "$src" ] && [[ $key != *[*?]* ]]; then
        mkdir -p "$dst"
        cp -a "$src/." "$dst/"
        rm -rf "$src"
        continue
      fi
      if [[ $dst == */ ]] || [ -d "$dst" ]; then
        mkdir -p "$dst"
        [ "$(realpath -m "$dst/$(basename "$src")")" = "$(realpath -m "$src")" ] && continue
        mv -f "$src" "$dst/"
      else
        mkdir -p "$(dirname "$dst")"
        mv -f "$src" "$dst"
      fi
    done
  done
}

default_pull() { :; }

default_build() {
  (cd "$CRAFT_PART_BUILD_WORK" && bash "$run_dir/build.sh")
}

default_stage() {
  fileset "$CRAFT_PART_INSTALL" ${STAGE[@]+"${STAGE[@]}"} >"$run_dir/stage.list"
  migrate "$CRAFT_PART_INSTALL" "$CRAFT_STAGE" "$run_dir/stage.list"
}

# The prime fileset, combined with the stage one when it includes nothing (craft-parts'
# Fileset.combine), listed over the install directory and migrated from the stage.
default_prime() {
  local e inc=0 set=()
  for e in ${PRIME[@]+"${PRIME[@]}"}; do
    [[ $e == -* ]] || [ "$e" = '*' ] || inc=1
    [ "$e" = '*' ] || set+=("$e")
  done
  [ "$inc" = 1 ] || set+=(${STAGE[@]+"${STAGE[@]}"})
  fileset "$CRAFT_PART_INSTALL" ${set[@]+"${set[@]}"} >"$run_dir/prime.list"
  migrate "$CRAFT_STAGE" "$CRAFT_PRIME" "$run_dir/prime.list"
  local p path
  for ((p = 0; p < ${#PERMISSIONS[@]}; p += 4)); do
    while IFS= read -r path; do
      # shellcheck disable=SC2053
      [[ $path == ${PERMISSIONS[p]} ]] || continue
      [ -z "${PERMISSIONS[p + 1]}" ] || chown -h "${PERMISSIONS[p + 1]}:${PERMISSIONS[p + 2]}" "$CRAFT_PRIME/$path"
      [ -z "${PERMISSIONS[p + 3]}" ] || chmod "${PERMISSIONS[p + 3]}" "$CRAFT_PRIME/$path"
    done <"$run_dir/prime.list"
  done
}

# A step: the part's scriptlet when it has one (bash, `set -euo pipefail`, the environment
# sourced, then `set -x`, as craft-parts writes it), else the built-in handler.
step() {
  export CRAFT_STEP_NAME=${1^^}
  if [ -f "$run_dir/override-$1.sh" ]; then
    {
      echo '#!/bin/bash'
      echo 'set -euo pipefail'
      echo "source $run_dir/environment.sh"
      echo 'set -x'
      cat "$run_dir/override-$1.sh"
    } >"$run_dir/scriptlet-$1.sh"
    (cd "$2" && CRAFT_RUN_DIR=$run_dir bash "$run_dir/scriptlet-$1.sh")
  else
    "default_$1"
  fi
}

# rockcraft layers the prime over a usr-merged base: /bin, /lib, ... are links to usr/.
usrmerge() {
  local d
  for d in bin sbin lib lib32 lib64 libx32; do
    if [ -d "$CRAFT_PRIME/$d" ] && [ ! -L "$CRAFT_PRIME/$d" ]; then
      mkdir -p "$CRAFT_PRIME/usr/$d"
      cp -a "$CRAFT_PRIME/$d/." "$CRAFT_PRIME/usr/$d/"
      rm -rf "${CRAFT_PRIME:?}/$d"
    elif [ -L "$CRAFT_PRIME/$d" ]; then
      rm -f "$CRAFT_PRIME/$d"
    fi
  done
}

case $1 in
run)
  mkdir -p "$CRAFT_PART_SRC" "$CRAFT_PART_BUILD" "$CRAFT_PART_INSTALL" "$CRAFT_STAGE" "$CRAFT_PRIME"
  step pull "$CRAFT_PART_SRC_WORK"
  rm -rf "$CRAFT_PART_BUILD"
  cp -a "$CRAFT_PART_SRC" "$CRAFT_PART_BUILD"
  step build "$CRAFT_PART_BUILD_WORK"
  organize
  step stage "$CRAFT_STAGE"
  step prime "$CRAFT_PRIME"
  usrmerge
  ;;
default)
  "default_${3,,}"
  ;;
esac
