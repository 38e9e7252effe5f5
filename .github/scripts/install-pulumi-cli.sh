#!/usr/bin/env bash
# Installs the Pulumi CLI at the exact version in .github/pulumi-version (the lockfile's @pulumi/pulumi version,
# test/workflows checks) into a fresh directory of this job, and puts it first on PATH. Nothing is taken from the
# runner's tool cache or an earlier install: the archive is downloaded, its SHA-256 checked against the checksums
# Pulumi publishes with the release on GitHub (another origin than get.pulumi.com, which serves the archive), and
# the binary must report that version. The later pulumi/actions steps, pinned to the same version file, find it on
# PATH and download nothing.
#
# Archive: https://get.pulumi.com/releases/sdk/pulumi-v<version>-<platform>.tar.gz (what pulumi/actions v7 fetches,
# its src/libs/libs/get-version.ts); checksums: https://github.com/pulumi/pulumi/releases/download/v<version>/
# pulumi-<version>-checksums.txt ("<sha256>  <file>" per line).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
version="$(tr -d '[:space:]' <"$root/.github/pulumi-version")"
if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "::error file=.github/pulumi-version::must hold one exact version (x.y.z), found '$version'."
    exit 1
fi
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) platform=linux-x64 ;;
    Linux-aarch64 | Linux-arm64) platform=linux-arm64 ;;
    *)
        echo "::error::No Pulumi CLI archive for $(uname -s)-$(uname -m)."
        exit 1
        ;;
esac

archive="pulumi-v${version}-${platform}.tar.gz"
checksums="pulumi-${version}-checksums.txt"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
curl -fsSL --retry 3 -o "$work/$archive" "https://get.pulumi.com/releases/sdk/$archive"
curl -fsSL --retry 3 -o "$work/$checksums" "https://github.com/pulumi/pulumi/releases/download/v${version}/$checksums"

expected="$(awk -v file="$archive" '$2 == file { print $1 }' "$work/$checksums")"
if [[ ! "$expected" =~ ^[0-9a-f]{64}$ ]]; then
    echo "::error::$checksums lists no SHA-256 for $archive."
    exit 1
fi
actual="$(sha256sum "$work/$archive" | cut -d' ' -f1)"
if [ "$actual" != "$expected" ]; then
    echo "::error::$archive has SHA-256 $actual, but the release's $checksums says $expected. Not installed."
    exit 1
fi

dest="${RUNNER_TEMP:?RUNNER_TEMP is not set}/pulumi-cli-${version}"
rm -rf "$dest"
mkdir -p "$dest"
# The archive holds pulumi/ with the CLI and its bundled plugins.
tar -xzf "$work/$archive" -C "$dest" --strip-components=1
printed="$("$dest/pulumi" version)"
if [ "$printed" != "v$version" ]; then
    echo "::error::The downloaded CLI reports '$printed', not v$version."
    exit 1
fi
echo "$dest" >>"${GITHUB_PATH:?GITHUB_PATH is not set}"
echo "Pulumi CLI $printed from $archive (SHA-256 $actual, as $checksums lists it)."
