# Installs one exact Node.js build and checks it, for .ci/run (sourced). The npm registry's `node-<platform>`
# package carries the official binary (it is what the `node` package's install script fetches, with a dependency
# range and no lockfile); here it is fetched with `npm pack`, which runs no install script, and checked twice
# against values pinned in .ci/run: the tarball's sha512 integrity (the registry's `dist.integrity` of that
# version) and the SHA-256 of its bin/node. A binary found in the cache is checked again on every run and installed
# afresh when it differs.

# SHA-256 of a file, in hex.
node_sha256() { sha256sum "$1" | cut -d' ' -f1; }

# An npm integrity string (sha512-<base64>) as hex, to compare with sha512sum.
node_integrity_hex() { printf '%s' "${1#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n'; }

# install_node <version> <platform> <integrity> <sha256> <dir>: <dir>/bin/node is that build afterwards, or it fails.
install_node() {
    local version="$1" platform="$2" integrity="$3" sha256="$4" dir="$5"
    if [ -e "$dir/bin/node" ] && [ "$(node_sha256 "$dir/bin/node")" != "$sha256" ]; then
        echo "The cached $dir/bin/node is not the pinned Node.js $version ($platform): its SHA-256 differs. Installing it again." >&2
        rm -rf "$dir"
    fi
    if [ -x "$dir/bin/node" ]; then
        return 0
    fi
    local work tarball
    work="$(mktemp -d)"
    (cd "$work" && npm pack --silent "node-$platform@$version" >/dev/null) || {
        echo "npm pack node-$platform@$version failed." >&2
        rm -rf "$work"
        return 1
    }
    tarball="$work/node-$platform-$version.tgz"
    if [ "$(sha512sum "$tarball" | cut -d' ' -f1)" != "$(node_integrity_hex "$integrity")" ]; then
        echo "node-$platform-$version.tgz does not have the pinned integrity $integrity. Not installed." >&2
        rm -rf "$work"
        return 1
    fi
    rm -rf "$dir.partial"
    mkdir -p "$dir.partial"
    tar -xzf "$tarball" -C "$dir.partial" --strip-components=1
    rm -rf "$work"
    if [ "$(node_sha256 "$dir.partial/bin/node")" != "$sha256" ]; then
        echo "The bin/node of node-$platform-$version.tgz does not have the pinned SHA-256 $sha256. Not installed." >&2
        rm -rf "$dir.partial"
        return 1
    fi
    rm -rf "$dir"
    mv "$dir.partial" "$dir"
}
