# Sourced by scripts/demo and scripts/bench: starts a throwaway single-node
# etcd (the vendored binary, via tcfg-dev-etcd) on a free loopback port, sets
# $ETCD_ENDPOINT, and stops it (and removes its data) when the script exits.
# tcfg-dev-etcd (or $dev_etcd_bin) runs until its standard input closes: fd 3
# is that pipe.

dev_etcd_dir="$(mktemp -d)"
exec 3> >(exec "${dev_etcd_bin:-target/release/tcfg-dev-etcd}" > "$dev_etcd_dir/endpoint")
dev_etcd_pid=$!
stop_dev_etcd() {
    exec 3>&-
    wait "$dev_etcd_pid" 2>/dev/null || true
    rm -rf "$dev_etcd_dir"
}
trap stop_dev_etcd EXIT
for _ in $(seq 400); do
    [ -s "$dev_etcd_dir/endpoint" ] && break
    sleep 0.05
done
ETCD_ENDPOINT="$(head -1 "$dev_etcd_dir/endpoint")"
if [ -z "$ETCD_ENDPOINT" ]; then
    echo "the throwaway etcd did not start" >&2
    exit 1
fi
