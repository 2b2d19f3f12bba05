#!/usr/bin/env bash
# Provides the real `pulumi` CLI and its YAML language host for the end-to-end tier.
# Uses a `pulumi` on PATH when it is 3.274 or newer; otherwise builds v3.274.1 (and
# pulumi-language-yaml v1.25.0) from the Go module proxy into a cache folder, once.
# Beside them, as in Pulumi's own distribution, `pulumi-resource-pulumi-nodejs` (the shim that
# starts the Node.js dynamic provider host of the program's own @pulumi/pulumi).
# Prints the folder that holds them (put it on PATH).
# First build: about 5 minutes on 2 cores (measured 304 s from empty Go caches, 2026-12-02),
# 1.8 GB of Go module cache and 2 GB of Go build cache; then instant.
set -euo pipefail

PULUMI_VERSION=3.274.1
YAML_VERSION=1.25.0
MIN_MAJOR=3 MIN_MINOR=274
CACHE="${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-gitlab-sources/pulumi-v$PULUMI_VERSION}"

log() { printf '%s\n' "$*" >&2; }

recent_enough() { # $1: a pulumi binary
  local v major minor
  v=$("$1" version 2>/dev/null | sed -E 's/^v//') || return 1
  major=${v%%.*}; minor=${v#*.}; minor=${minor%%.*}
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  (( major > MIN_MAJOR || (major == MIN_MAJOR && minor >= MIN_MINOR) ))
}

if on_path=$(command -v pulumi 2>/dev/null) && recent_enough "$on_path"; then
  dir=$(dirname "$on_path")
  if { [ -x "$dir/pulumi-language-yaml" ] || command -v pulumi-language-yaml >/dev/null 2>&1; } && [ -x "$dir/pulumi-resource-pulumi-nodejs" ]; then
    echo "$dir"
    exit 0
  fi
fi

complete() { [ -x "$CACHE/pulumi" ] && [ -x "$CACHE/pulumi-language-yaml" ] && [ -x "$CACHE/pulumi-resource-pulumi-nodejs" ]; }

if complete && recent_enough "$CACHE/pulumi"; then
  echo "$CACHE"
  exit 0
fi

command -v go >/dev/null || { log "pulumi-cli: no pulumi >= $MIN_MAJOR.$MIN_MINOR on PATH and no Go toolchain to build one."; exit 1; }
mkdir -p "$CACHE"
# One build at a time (parallel test workers may all ask).
exec 9>"$CACHE/.lock"
flock 9
if complete; then echo "$CACHE"; exit 0; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
started=$(date +%s)

if [ ! -x "$CACHE/pulumi" ]; then
  log "pulumi-cli: building pulumi v$PULUMI_VERSION from the Go module proxy (about 4 minutes the first time)..."
  mkdir "$work/cli" && cd "$work/cli"
  go mod init pulumi-cli-build >/dev/null 2>&1
  # pkg/v3 has replace directives, so `go install pkg@version` refuses it: build in a wrapper module.
  go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" >&2
  go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$CACHE/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
  mv "$CACHE/pulumi.tmp" "$CACHE/pulumi"
fi

if [ ! -x "$CACHE/pulumi-language-yaml" ]; then
  log "pulumi-cli: building pulumi-language-yaml v$YAML_VERSION (about 1 minute)..."
  mkdir "$work/yaml" && cd "$work/yaml"
  go mod init pulumi-yaml-build >/dev/null 2>&1
  # Its own module: it needs the pkg/v3 it pins.
  go get "github.com/pulumi/pulumi-yaml@v$YAML_VERSION" >&2
  go build -trimpath -ldflags "-s -w" -o "$CACHE/pulumi-language-yaml.tmp" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml >&2
  mv "$CACHE/pulumi-language-yaml.tmp" "$CACHE/pulumi-language-yaml"
fi

if [ ! -x "$CACHE/pulumi-resource-pulumi-nodejs" ]; then
  # The shim ships in the SDK module's nodejs/dist; it resolves @pulumi/pulumi from the program's folder.
  sdk=$(cd "$work" && go mod download -json "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" | sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p')
  install -m 755 "$sdk/nodejs/dist/pulumi-resource-pulumi-nodejs" "$CACHE/pulumi-resource-pulumi-nodejs"
fi

log "pulumi-cli: built in $(( $(date +%s) - started )) s into $CACHE"
echo "$CACHE"
