#!/usr/bin/env bash
# e2e-container: run goshim's e2e suite (go test ./e2e/...) inside conda's own
# images, so the scenarios also go through a REAL conda and a REAL micromamba:
# the repository and the host's Go are mounted into the container, and
# GOSHIM_E2E_CONDA points at the container's conda/micromamba
# (GOSHIM_E2E_REQUIRE=real makes a missing one a failure).
#
#   scripts/e2e-container.sh            (make e2e-container)
#
# Environment:
#   GOSHIM_E2E_IMAGES   images to use (default: continuumio/miniconda3 mambaorg/micromamba)
#   GOSHIM_E2E_ENGINE   docker or podman (default: the first that answers)
#   GOSHIM_E2E_SHELLS   passed on (run only these shell rows)
#   GOSHIM_E2E_CONTAINER_STRICT=1   fail instead of skipping when no engine or image
#
# With no container engine, or no image to be had, it says why and exits 0
# (unless GOSHIM_E2E_CONTAINER_STRICT=1). A test failure inside a container
# is a failure (exit 1).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
images=${GOSHIM_E2E_IMAGES:-"continuumio/miniconda3 mambaorg/micromamba"}

skip() {
	echo "e2e-container: skipped: $*" >&2
	if [ "${GOSHIM_E2E_CONTAINER_STRICT:-}" = 1 ]; then
		exit 1
	fi
	exit 0
}

engine=${GOSHIM_E2E_ENGINE:-}
if [ -z "$engine" ]; then
	for e in docker podman; do
		if command -v "$e" >/dev/null 2>&1; then
			if timeout 30 "$e" info >/dev/null 2>&1; then
				engine=$e
				break
			fi
			why="${why:+$why; }$e is installed but does not answer ('$e info' failed: is its daemon running?)"
		fi
	done
fi
[ -n "$engine" ] || skip "${why:-no container engine: install docker or podman}"

command -v go >/dev/null 2>&1 || skip "no go on PATH"
if [ "$(go env GOOS)" != linux ]; then
	skip "the host's Go is for $(go env GOOS); the containers need a linux Go to mount"
fi
goroot=$(go env GOROOT)
modcache=$(go env GOMODCACHE)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/goshim-e2e-container
mkdir -p "$cache/gocache"

# the module's dependencies, fetched on the host: the containers run with GOPROXY=off
(cd "$root" && go mod download)

# (-buildvcs=false: git refuses a repository mounted from another user)
# run inside each container, as root (the micromamba image's default user
# cannot install shells): find the activator, add the shells the image lacks
# when it can (those rows skip otherwise), then the suite.
# shellcheck disable=SC2016 # expanded in the container
inner='
set -eu
export PATH="/usr/local/go/bin:$PATH"
act=${GOSHIM_E2E_CONDA:-}
if [ -z "$act" ]; then
	for c in /opt/conda/bin/conda "${MAMBA_EXE:-}" /bin/micromamba /usr/bin/micromamba; do
		if [ -n "$c" ] && [ -x "$c" ]; then act=$c; break; fi
	done
fi
if [ -z "$act" ]; then act=$(command -v conda || command -v micromamba || command -v mamba || true); fi
if [ -z "$act" ]; then echo "e2e-container: no conda, mamba or micromamba in this image" >&2; exit 1; fi
export GOSHIM_E2E_CONDA="$act"
if command -v apt-get >/dev/null 2>&1; then
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		zsh dash fish tcsh shellcheck >/dev/null) 2>&1 | tail -n 3 || echo "e2e-container: could not install shells; their rows skip" >&2
fi
echo "e2e-container: $("$act" --version 2>&1 | head -n 1) at $act"
cd /src
exec go test -count=1 -timeout 20m ./e2e/... "$@"
'

status=0
ran=0
for image in $images; do
	if ! "$engine" image inspect "$image" >/dev/null 2>&1; then
		echo "e2e-container: pulling $image" >&2
		if ! "$engine" pull "$image" >&2; then
			echo "e2e-container: skipped $image: it cannot be pulled" >&2
			continue
		fi
	fi
	echo "=== e2e-container: $image ($engine)"
	ran=$((ran + 1))
	if ! "$engine" run --rm --user root --entrypoint /bin/bash \
		-v "$root:/src:ro" \
		-v "$goroot:/usr/local/go:ro" \
		-v "$modcache:/gomodcache:ro" \
		-v "$cache/gocache:/gocache" \
		-e GOCACHE=/gocache -e GOMODCACHE=/gomodcache -e GOPROXY=off -e GOFLAGS=-buildvcs=false \
		-e GOTOOLCHAIN=local -e CGO_ENABLED=0 -e GOSHIM_E2E_GOROOT=/usr/local/go \
		-e GOSHIM_E2E_REQUIRE="real,bash${GOSHIM_E2E_REQUIRE:+,$GOSHIM_E2E_REQUIRE}" \
		-e GOSHIM_E2E_SHELLS="${GOSHIM_E2E_SHELLS:-}" \
		"$image" -c "$inner" e2e-container "$@"; then
		echo "e2e-container: FAILED in $image" >&2
		status=1
	fi
done
[ "$ran" -gt 0 ] || skip "none of the images could be had: $images"
exit "$status"
