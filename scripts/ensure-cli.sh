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
HOST_HASH="$(cat "$REPO_ROOT"/tools/pulumi-language-python/*.go "$REPO_ROOT"/tools/pulumi-language-python/go.mod | sha256sum | cut -c1-12)"
OUT="$CACHE_ROOT/v$PULUMI_VERSION-$HOST_HASH"

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

echo "Building Pulumi CLI v$PULUMI_VERSION from the Go module proxy into $OUT (first time only; ~10-15 min on 2 cores)" >&2
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-modcacherw
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT.tmp"

# 1. The CLI. go install X@v refuses modules with replace directives, so build inside a
#    throwaway wrapper module that carries pkg's and sdk's non-local replaces.
cd "$WORK"
go mod init clibuild >/dev/null 2>&1
go mod edit -replace github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
SDK_MOD="$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
TEXT_REPL="$(sed -n 's/^replace golang.org\/x\/text => golang.org\/x\/text \(v[^ ]*\)$/\1/p' "$SDK_MOD")"
[[ -n "$TEXT_REPL" ]] && go mod edit -replace "golang.org/x/text=golang.org/x/text@$TEXT_REPL"
go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" >&2
go get -tool "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PULUMI_VERSION" >&2
LDFLAGS="-w -s -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
go build -trimpath -tags osusergo,grpcnotrace -ldflags "$LDFLAGS" -o "$OUT.tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

# 2. The Python language host: github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
#    is not served by the Go module proxy (403 on every version), so we build our own host
#    (tools/pulumi-language-python) against the served sdk/v3 module.
cd "$REPO_ROOT/tools/pulumi-language-python"
go build -trimpath -tags osusergo,grpcnotrace -ldflags "$LDFLAGS" -o "$OUT.tmp/pulumi-language-python" .

# 3. The two launcher scripts ship inside the sdk/v3 module.
SDK_DIR="$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
install -m 0755 "$SDK_DIR/python/cmd/pulumi-language-python-exec" "$OUT.tmp/"
install -m 0755 "$SDK_DIR/python/dist/pulumi-resource-pulumi-python" "$OUT.tmp/"

rm -rf "$OUT"; mv "$OUT.tmp" "$OUT"
echo "$OUT"
