#!/usr/bin/env bash
# Container check, as root on a Debian 12 machine without a Docker engine:
# installs podman, runc and debootstrap; configures podman (runc runtime,
# ulimits); makes the `debian:12` base image locally with debootstrap from the
# Debian mirror this machine's apt already uses (so apt inside the image uses
# it too); builds the image from Dockerfile (which builds and tests the
# project); indexes the sample posts into a volume with the image's
# guru-indexer; runs the image's guru-server with its gRPC port published on
# 127.0.0.1; checks the HEALTHCHECK and a query through the published port.
#   scripts/container_check.sh [BUILD_DIR]   BUILD_DIR has guru-query (build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
image=localhost/guru-search:check
name=guru-check-$$
volume=guru-check-index-$$
export DEBIAN_FRONTEND=noninteractive

missing=()
for p in podman runc debootstrap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "container: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

conf=/etc/containers/containers.conf
marker="# Written by guru-search scripts/container_check.sh"
if [[ ! -s $conf ]] || head -1 "$conf" | grep -qxF "$marker"; then
  mkdir -p /etc/containers
  cat >"$conf" <<CONF
$marker
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]

[engine]
runtime = "runc"
CONF
elif ! grep -q '^runtime *= *"runc"' "$conf"; then
  echo "container: $conf exists; set runtime = \"runc\" and the default_ulimits there" >&2
  exit 2
fi

# The Debian mirror (not the security archive) of the machine's apt sources,
# one-line or deb822 form.
mirror=$(/usr/bin/python3 - /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
  /etc/apt/sources.list.d/*.sources <<'PY'
import sys
for path in sys.argv[1:]:
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        continue
    if path.endswith(".sources"):
        for stanza in text.split("\n\n"):
            fields = {}
            for line in stanza.splitlines():
                if ":" in line and not line.startswith(("#", " ")):
                    key, value = line.split(":", 1)
                    fields[key.strip().lower()] = value.split()
            if ("deb" in fields.get("types", []) and "bookworm" in fields.get("suites", [])
                    and fields.get("enabled", ["yes"])[0] != "no"):
                print(fields["uris"][0]); sys.exit(0)
    else:
        for line in text.splitlines():
            words = line.split("#", 1)[0].split()
            words = [w for w in words if not w.startswith("[")]
            if len(words) >= 3 and words[0] == "deb" and words[2] == "bookworm":
                print(words[1]); sys.exit(0)
sys.exit("no bookworm mirror in the apt sources")
PY
)
echo "container: Debian mirror from apt sources: $mirror"

if ! podman image exists localhost/debian:12; then
  rootfs=$(mktemp -d)
  echo "container: debootstrap --variant=minbase bookworm"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 ||
    { tail -20 "$rootfs.log" >&2; exit 1; }
  tar -C "$rootfs" -c . | podman import - localhost/debian:12 >/dev/null
  rm -rf "$rootfs" "$rootfs.log"
fi

cleanup() {
  podman rm -f "$name" >/dev/null 2>&1 || true
  podman volume rm -f "$volume" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Docker format: the OCI format has no HEALTHCHECK.
echo "container: podman build (builds and tests the project inside)"
SECONDS=0
podman build --pull=never --format docker -t "$image" -f Dockerfile . >/tmp/guru-container-build.log 2>&1 ||
  { tail -40 /tmp/guru-container-build.log >&2; exit 1; }
echo "container: built $image in ${SECONDS}s"

# Podman 4.3 schedules HEALTHCHECKs with systemd timers and, without systemd,
# logs "unable to get systemd connection" (harmless: the check below runs it
# by `podman healthcheck run`).
podman volume create "$volume" >/dev/null
podman run --rm -v "$volume:/var/lib/guru" --entrypoint guru-indexer "$image" \
  --db /var/lib/guru/index /usr/share/guru/sample
podman run -d --name "$name" -v "$volume:/var/lib/guru" -p 127.0.0.1::50051 "$image" >/dev/null
port=$(podman port "$name" 50051/tcp | sed -n 's/.*:\([0-9]*\)$/\1/p' | head -1)
[[ -n $port ]] || { echo "container: no published port" >&2; exit 1; }

healthy=
for _ in $(seq 1 100); do
  if podman healthcheck run "$name" >/dev/null 2>&1; then
    healthy=yes
    break
  fi
  sleep 0.2
done
[[ -n $healthy ]] || { podman logs "$name" >&2; echo "container: HEALTHCHECK never passed" >&2; exit 1; }
echo "container: HEALTHCHECK (guru-query --health inside) passes"

"$build/tools/guru-query" --server "127.0.0.1:$port" --health
answer=$("$build/tools/guru-query" --server "127.0.0.1:$port" --limit 1 "my knee hurts after the marathon")
[[ $answer == *"id: knee-pain-post-marathon-"* ]] ||
  { echo "container: unexpected answer through 127.0.0.1:$port:" >&2; echo "$answer" >&2; exit 1; }
echo "container: query through the published port 127.0.0.1:$port answered:"
echo "$answer" | head -3
uid=$(podman exec "$name" id -u)
[[ $uid == 10001 ]] || { echo "container: runs as uid $uid, not 10001 (README)" >&2; exit 1; }
echo "container: ok (server runs as uid $uid)"
