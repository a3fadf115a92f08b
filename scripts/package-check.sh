#!/usr/bin/env bash
# Package check, as root, after scripts/container_check.sh (which sets up
# podman and the local `debian:12` base image): builds the .deb with CPack
# from an already-built BUILD_DIR (no second compile), boots systemd in a
# debian:12 container (privileged: the units' sandboxing needs namespaces),
# `apt-get install`s the .deb there, runs `systemd-analyze verify` and
# `security` on the units, feeds the sample posts through the installed
# guru-indexer@.service, starts the installed guru-server.service with the
# shipped config and queries it with the installed guru-query; checks that a
# bad config is not restarted and that a reinstall keeps an edited config;
# then removes and purges the package.
#   scripts/package-check.sh [BUILD_DIR]   BUILD_DIR: configured and built (build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
base=localhost/debian:12
image=localhost/guru-package-check:systemd
name=guru-package-check-$$
export DEBIAN_FRONTEND=noninteractive

podman image exists "$base" ||
  { echo "package: no $base image; run scripts/container_check.sh first" >&2; exit 2; }
# CPack's dependency list: `file` finds the ELF files, dpkg-shlibdeps maps
# their libraries to packages.
missing=()
for p in file dpkg-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "package: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The install rules come from the configure step: a build dir configured
# before cmake/Packaging.cmake existed needs it again (no recompile).
[[ -f $build/CPackConfig.cmake ]] || cmake "$build" >/dev/null
rm -rf "$build/package"
cpack --config "$build/CPackConfig.cmake" -B "$build/package" >"$build/cpack.log" 2>&1 ||
  { cat "$build/cpack.log" >&2; exit 1; }
rm -rf "$build/package/_CPack_Packages"
deb=$(cd "$build/package" && ls guru-search_*_amd64.deb)
echo "package: built $deb ($(du -k "$build/package/$deb" | cut -f1) KiB)"
dpkg-deb -f "$build/package/$deb" Depends | sed 's/^/package: Depends: /'

# systemd as PID 1; the layer is cached after the first run. The build
# needs no files: an empty context.
context=$(mktemp -d)
podman build --pull=never -q -t "$image" -f - "$context" >/dev/null <<CONTAINERFILE
FROM $base
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends systemd systemd-sysv >/dev/null \
 && rm -rf /var/lib/apt/lists/*
CMD ["/sbin/init"]
CONTAINERFILE
rmdir "$context"

cleanup() { podman rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
podman run -d --name "$name" --privileged --systemd=always \
  -v "$PWD/$build/package:/pkg:ro" "$image" >/dev/null
# Until systemd has made its bus, systemctl fails to connect.
state=
for _ in $(seq 1 100); do
  state=$(podman exec "$name" systemctl is-system-running --wait 2>/dev/null || true)
  [[ -z $state ]] || break
  sleep 0.2
done
[[ $state == running || $state == degraded ]] ||
  { podman logs "$name" | tail -20 >&2; echo "package: systemd is $state" >&2; exit 1; }

# Everything below runs in the container.
podman exec -i -e DEB="/pkg/$deb" -e VERSION="$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' \
  "$build/CPackConfig.cmake")" "$name" bash -euo pipefail -s <<'CHECK'
fail() { echo "package: $*" >&2; journalctl --no-pager -n 40 >&2 || true; exit 1; }
apt-get update -qq
apt-get install -y -qq "$DEB" >/tmp/apt.log 2>&1 || { cat /tmp/apt.log >&2; fail "apt-get install failed"; }
echo "package: apt-get install $DEB: ok"

for bin in guru-indexer guru-server guru-query guru-bench; do
  [[ $($bin --version) == "$bin $VERSION"* ]] || fail "$bin --version: $($bin --version)"
done
echo "package: --version of the four binaries says $VERSION"
[[ $(stat -c %U:%G:%a /var/lib/guru) == guru:guru:750 ]] ||
  fail "/var/lib/guru is $(stat -c %U:%G:%a /var/lib/guru)"
[[ $(getent passwd guru | cut -d: -f7) == */nologin ]] || fail "guru can log in"
[[ $(stat -c %U:%G:%a /etc/guru/guru-server.conf) == root:guru:640 ]] ||
  fail "/etc/guru/guru-server.conf is $(stat -c %U:%G:%a /etc/guru/guru-server.conf)"
echo "package: system user guru (no login), /var/lib/guru guru:guru 750, config root:guru 640"

# Warnings from verify go to stderr with exit 0: any output fails.
feed=$(systemd-escape --path /usr/share/guru/sample)
out=$(cd /usr/lib/systemd/system && systemd-analyze verify guru-server.service \
  "guru-indexer@$feed.service" "guru-indexer@$feed.timer" 2>&1) || fail "verify: $out"
[[ -z $out ]] || fail "systemd-analyze verify: $out"
echo "package: systemd-analyze verify: no findings"
# 2.0 is systemd's "OK" band; an edit that weakens the sandbox fails here.
for unit in guru-server.service "guru-indexer@$feed.service"; do
  systemd-analyze security --threshold=20 "$unit" >/tmp/security.log 2>&1 ||
    { cat /tmp/security.log >&2; fail "systemd-analyze security $unit: over 2.0"; }
  echo "package: systemd-analyze security $unit: exposure" \
    "$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]* [A-Z]*\).*/\1/p' /tmp/security.log)"
done

systemctl start "guru-indexer@$feed.service" || fail "guru-indexer@$feed.service failed"
journalctl -u "guru-indexer@$feed.service" --no-pager -o cat | grep -q "^added 33," ||
  fail "the indexer did not add the 33 sample posts"
echo "package: guru-indexer@$feed.service indexed the sample posts"
systemctl enable --now "guru-indexer@$feed.timer" >/dev/null 2>&1
systemctl is-active --quiet "guru-indexer@$feed.timer" || fail "the timer is not active"

systemctl enable --now guru-server.service >/dev/null 2>&1
for _ in $(seq 1 100); do
  guru-query --health >/dev/null 2>&1 && break
  sleep 0.1
done
guru-query --health >/dev/null || fail "guru-server.service never became SERVING"
user=$(stat -c %U "/proc/$(systemctl show -p MainPID --value guru-server.service)")
[[ $user == guru ]] || fail "guru-server runs as $user"
answer=$(guru-query --limit 1 "my knee hurts after the marathon")
[[ $answer == *"id: knee-pain-post-marathon-"* ]] || fail "unexpected answer: $answer"
echo "package: guru-server.service (user guru) answered guru-query: $(grep -m1 'id:' <<<"$answer")"

# A setting the server refuses (exit 2) must not be restarted in a loop.
conf=/etc/guru/guru-server.conf
cp "$conf" /tmp/conf
echo "no-such-key = 1" >>"$conf"
# Type=exec: the restart succeeds once the binary runs; it exits soon after.
systemctl restart guru-server.service 2>/dev/null || true
sleep 1
[[ $(systemctl show -p Result --value guru-server.service) == exit-code &&
   $(systemctl show -p NRestarts --value guru-server.service) == 0 ]] ||
  fail "a bad config: $(systemctl show -p Result -p NRestarts guru-server.service)"
journalctl -u guru-server.service --no-pager -o cat | grep -q "unknown key 'no-such-key'" ||
  fail "the bad key is not in the journal"
echo "package: a bad config key stops the server (exit 2, not restarted, named in the journal)"

# An upgrade keeps the edited config (a conffile) and restarts the server;
# metrics, once enabled there, are served from inside the sandbox.
cp /tmp/conf "$conf"
sed -i 's/^# metrics-listen = .*/metrics-listen = "127.0.0.1:9464"/' "$conf"
systemctl restart guru-server.service
pid=$(systemctl show -p MainPID --value guru-server.service)
apt-get install -y -qq --reinstall "$DEB" >/tmp/apt.log 2>&1 || { cat /tmp/apt.log >&2; fail "reinstall failed"; }
grep -q '^metrics-listen' "$conf" || fail "the upgrade replaced the edited config"
[[ $(systemctl show -p MainPID --value guru-server.service) != "$pid" ]] ||
  fail "the upgrade did not restart the server"
for _ in $(seq 1 100); do
  guru-query --health >/dev/null 2>&1 && break
  sleep 0.1
done
exec 3<>/dev/tcp/127.0.0.1/9464
printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3
grep -q '^guru_index_posts 33' <&3 || fail "no guru_index_posts 33 at /metrics"
exec 3<&-
echo "package: reinstall keeps the edited config, restarts the server; /metrics served"

apt-get remove -y -qq guru-search >/tmp/apt.log 2>&1 || { cat /tmp/apt.log >&2; fail "remove failed"; }
! systemctl is-active --quiet guru-server.service || fail "the server runs after remove"
[[ -d /var/lib/guru/index ]] || fail "remove deleted the index"
apt-get purge -y -qq guru-search >/tmp/apt.log 2>&1 || { cat /tmp/apt.log >&2; fail "purge failed"; }
[[ ! -e /var/lib/guru && ! -e /etc/guru ]] || fail "purge left /var/lib/guru or /etc/guru"
echo "package: remove stops the server and keeps the index; purge removes it"
CHECK
echo "package: ok"
