#!/usr/bin/env bash
# Builds tests/vcsim (a launcher for govmomi's vCenter simulator) into
# target/vcsim/vcsim-launcher, offline, from Debian's Go toolchain and
# govmomi source packages. Installs those packages when they are missing.
#
# Usage: bash scripts/build-vcsim.sh [--force]
#   --force  rebuild even when the binary is newer than its sources
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/tests/vcsim"
out_dir="$root/target/vcsim"
out="$out_dir/vcsim-launcher"
gopath=/usr/share/gocode
govmomi="$gopath/src/github.com/vmware/govmomi"
packages=(golang-go golang-github-vmware-govmomi-dev)

force=0
for arg in "$@"; do
    case "$arg" in
        --force) force=1 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "build-vcsim: unknown argument '$arg'" >&2; exit 2 ;;
    esac
done

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for pkg in "${packages[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "build-vcsim: installing ${missing[*]}" >&2
    if ((EUID == 0)); then
        sudo=()
    elif command -v sudo >/dev/null; then
        sudo=(sudo)
    else
        echo "build-vcsim: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ ! -d "$govmomi/vapi/simulator" ]]; then
    echo "build-vcsim: $govmomi/vapi/simulator not found although golang-github-vmware-govmomi-dev is installed" >&2
    exit 1
fi

# Up to date when the binary is newer than every input, including this script
# and the installed govmomi package list entry (changes on upgrade).
if ((!force)) && [[ -x "$out" ]]; then
    stale=0
    for input in "$src"/*.go "${BASH_SOURCE[0]}" /var/lib/dpkg/info/golang-github-vmware-govmomi-dev.list; do
        if [[ -e "$input" && "$input" -nt "$out" ]]; then
            stale=1
            break
        fi
    done
    if ((!stale)); then
        echo "build-vcsim: $out is up to date" >&2
        exit 0
    fi
fi

mkdir -p "$out_dir"
# GOPATH mode resolves github.com/vmware/govmomi and its only non-stdlib
# dependency (github.com/google/uuid) from the Debian source packages, so
# nothing is downloaded. The build cache stays under target/.
(
    cd "$src"
    env GO111MODULE=off GOPATH="$gopath" GOFLAGS= GOPROXY=off \
        GOCACHE="${GOCACHE:-$out_dir/go-cache}" \
        go build -trimpath -ldflags='-s -w' -o "$out.tmp" .
)
mv -f "$out.tmp" "$out"
echo "build-vcsim: built $out" >&2
