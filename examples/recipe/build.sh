#!/usr/bin/env bash
# Build goshim with the build env's go, then write every shell's hooks into
# $PREFIX, named after the package. The hooks hold no path of this machine:
# everything they need is read at activation.
set -euo pipefail
export GOBIN="$SRC_DIR/.goshim-bin" GOFLAGS=-modcacherw
go install github.com/goshim/goshim/cmd/goshim@latest
"$GOBIN/goshim" install -p "$PREFIX" --package "$PKG_NAME" --policy "$RECIPE_DIR/goshim.toml"
