#!/bin/sh
# Installs authsome on Linux or macOS (x86_64 or arm64), for CI runners and
# laptops alike:
#
#   curl -fsSL https://github.com/authsome/authsome/releases/latest/download/install.sh | sh
#
# It downloads the binary for this OS and architecture and SHA256SUMS from the
# release, checks the binary against SHA256SUMS and runs it once, and only
# then moves it into place. Any failure stops it with a message and leaves
# nothing behind.
#
# Environment:
#   AUTHSOME_VERSION       a release tag such as v0.2.0 (default: the latest)
#   AUTHSOME_DOWNLOAD_URL  where the binaries and SHA256SUMS are (default: the
#                          GitHub release of AUTHSOME_VERSION)
#   AUTHSOME_INSTALL_DIR   where to put authsome (default: ~/.local/bin)
set -eu

REPO_URL="https://github.com/authsome/authsome"

say() {
  printf 'authsome-install: %s\n' "$*" >&2
}

fail() {
  say "error: $*"
  exit 1
}

# The release target of this machine, as `deno compile --target` names it.
detect_target() {
  os=$(uname -s)
  arch=$(uname -m)
  case "$arch" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) fail "unsupported architecture \"$arch\": authsome ships for x86_64 and arm64" ;;
  esac
  case "$os" in
    Linux) echo "$arch-unknown-linux-gnu" ;;
    Darwin) echo "$arch-apple-darwin" ;;
    *) fail "unsupported operating system \"$os\": use install.ps1 on Windows; authsome ships for Linux, macOS and Windows" ;;
  esac
}

# download URL FILE: fetches URL into FILE with curl or wget.
download() {
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --retry 2 --output "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget --quiet --tries=3 --output-document="$2" "$1"
  else
    fail "neither curl nor wget is installed: install one of them and run this again"
  fi
}

# sha256 FILE: the hex SHA-256 of FILE.
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  else
    fail "no sha256sum, shasum or openssl to check the download with"
  fi
}

main() {
  target=$(detect_target)
  asset="authsome-$target"
  version=${AUTHSOME_VERSION:-latest}
  if [ -n "${AUTHSOME_DOWNLOAD_URL:-}" ]; then
    base=${AUTHSOME_DOWNLOAD_URL%/}
  elif [ "$version" = latest ]; then
    base="$REPO_URL/releases/latest/download"
  else
    base="$REPO_URL/releases/download/v${version#v}"
  fi
  install_dir=${AUTHSOME_INSTALL_DIR:-${HOME:?HOME is not set; set AUTHSOME_INSTALL_DIR}/.local/bin}

  tmp=$(mktemp -d 2>/dev/null || mktemp -d -t authsome)
  trap 'rm -rf "$tmp"' EXIT
  trap 'exit 130' INT TERM

  say "downloading $base/$asset"
  download "$base/$asset" "$tmp/$asset" || fail "cannot download $base/$asset"
  download "$base/SHA256SUMS" "$tmp/SHA256SUMS" || fail "cannot download $base/SHA256SUMS"

  expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1; exit }' "$tmp/SHA256SUMS")
  [ -n "$expected" ] || fail "SHA256SUMS at $base lists no \"$asset\"; nothing was installed"
  actual=$(sha256 "$tmp/$asset")
  if [ "$actual" != "$expected" ]; then
    fail "checksum mismatch for $asset: SHA256SUMS says $expected, the download is $actual; nothing was installed"
  fi

  chmod 755 "$tmp/$asset"
  installed_version=$("$tmp/$asset" --version 2>/dev/null) ||
    fail "the downloaded $asset does not run on this machine (a Linux without glibc?); nothing was installed"

  mkdir -p "$install_dir" || fail "cannot create $install_dir"
  # Copy beside the target, then rename: the old binary stays whole until the last step.
  staged="$install_dir/.authsome.$$.tmp"
  trap 'rm -rf "$tmp"; rm -f "$staged"' EXIT
  if ! { cp "$tmp/$asset" "$staged" && chmod 755 "$staged" && mv -f "$staged" "$install_dir/authsome"; }; then
    fail "cannot write $install_dir/authsome"
  fi

  say "installed $installed_version to $install_dir/authsome"
  case ":${PATH:-}:" in
    *":$install_dir:"*) ;;
    *)
      say "$install_dir is not on your PATH; add it with:"
      say "  export PATH=\"$install_dir:\$PATH\""
      if [ -n "${GITHUB_PATH:-}" ]; then
        say "or, for the next steps of a GitHub Actions job:"
        say "  echo \"$install_dir\" >> \"\$GITHUB_PATH\""
      fi
      ;;
  esac
}

main "$@"
