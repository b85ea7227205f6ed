#!/usr/bin/env bash
# Ensure a working Pulumi CLI: use `pulumi` from PATH when it is >= 3.139, otherwise build
# `pulumi` (from the Go module proxy) and our Python language host (tools/pulumi-language-python),
# add the SDK's two launcher scripts, and cache the result outside the repo, keyed by version.
# Prints the directory holding the binaries as its last line.
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-3.274.1}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_ROOT="${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ams-iac/pulumi-cli}"
# The language host is our own source, so its hash is part of the cache key.
HOST_HASH="$(cat "$REPO_ROOT"/tools/pulumi-language-python/*.go "$REPO_ROOT"/tools/pulumi-language-python/go.{mod,sum} | sha256sum | cut -c1-12)"
CLI_OUT="$CACHE_ROOT/pulumi-v$PULUMI_VERSION"        # the engine: keyed by version only
OUT="$CACHE_ROOT/bin-v$PULUMI_VERSION-$HOST_HASH"     # engine + language host + launchers

version_ok() { # $1 = "v3.x.y" -> true when >= 3.139
  local v="${1#v}"; local major="${v%%.*}"; local rest="${v#*.}"; local minor="${rest%%.*}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] && { (( major > 3 )) || (( major == 3 && minor >= 139 )); }
}

if [[ -z "${PULUMI_FORCE_BUILD:-}" ]] && command -v pulumi >/dev/null 2>&1; then
  existing="$(pulumi version 2>/dev/null || true)"
  if version_ok "$existing" && command -v pulumi-language-python >/dev/null 2>&1; then
    dirname "$(command -v pulumi)"; exit 0
  fi
fi

if [[ -x "$OUT/pulumi" && -x "$OUT/pulumi-language-python" && -x "$OUT/pulumi-resource-pulumi-python" ]]; then
  echo "$OUT"; exit 0
fi

# Several processes (make, pytest workers) may get here at once: build under a lock, then re-check.
mkdir -p "$CACHE_ROOT"; exec 9>"$CACHE_ROOT/.build.lock"; flock 9
if [[ -x "$OUT/pulumi" && -x "$OUT/pulumi-language-python" && -x "$OUT/pulumi-resource-pulumi-python" ]]; then
  echo "$OUT"; exit 0
fi

export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-modcacherw
LDFLAGS="-w -s -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK" "$OUT.tmp"' EXIT
mkdir -p "$OUT.tmp"

# 1. The CLI. go install X@v refuses modules with replace directives, so build inside a
#    throwaway wrapper module that carries pkg's and sdk's non-local replaces.
if [[ ! -x "$CLI_OUT/pulumi" ]]; then
echo "Building the Pulumi CLI v$PULUMI_VERSION from the Go module proxy into $CLI_OUT (first time only; ~6 min on 2 cores with a cold module cache)" >&2
cd "$WORK"
go mod init clibuild >/dev/null 2>&1
go mod edit -replace github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
SDK_MOD="$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
TEXT_REPL="$(sed -n 's/^replace golang.org\/x\/text => golang.org\/x\/text \(v[^ ]*\)$/\1/p' "$SDK_MOD")"
[[ -n "$TEXT_REPL" ]] && go mod edit -replace "golang.org/x/text=golang.org/x/text@$TEXT_REPL"
go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" >&2
go get -tool "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PULUMI_VERSION" >&2
mkdir -p "$CLI_OUT.tmp"
go build -trimpath -tags osusergo,grpcnotrace -ldflags "$LDFLAGS" -o "$CLI_OUT.tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
rm -rf "$CLI_OUT"; mv "$CLI_OUT.tmp" "$CLI_OUT"
fi
# The engine looks for bundled plugins next to its own (resolved) executable, so hard-link it.
ln -f "$CLI_OUT/pulumi" "$OUT.tmp/pulumi" 2>/dev/null || cp "$CLI_OUT/pulumi" "$OUT.tmp/pulumi"

# 2. The Python language host: github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
#    is not served by the Go module proxy (403 on every version), so we build our own host
#    (tools/pulumi-language-python) against the served sdk/v3 module.
echo "Building the Python language host (tools/pulumi-language-python)" >&2
cd "$REPO_ROOT/tools/pulumi-language-python"
go build -trimpath -tags osusergo,grpcnotrace -ldflags "$LDFLAGS" -o "$OUT.tmp/pulumi-language-python" .

# 3. The two launcher scripts ship inside the sdk/v3 module.
SDK_DIR="$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
install -m 0755 "$SDK_DIR/python/cmd/pulumi-language-python-exec" "$OUT.tmp/"
install -m 0755 "$SDK_DIR/python/dist/pulumi-resource-pulumi-python" "$OUT.tmp/"

rm -rf "$OUT"; mv "$OUT.tmp" "$OUT"
echo "$OUT"
