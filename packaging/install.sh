#!/usr/bin/env bash
# Installs the unpacked bundle for the current user: the app in ~/.local/lib/reelscope, the command in
# ~/.local/bin, the launcher, icons and metainfo in ~/.local/share.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${PREFIX:-$HOME/.local}"
mkdir -p "$prefix/lib" "$prefix/bin" "$prefix/share"
rm -rf "$prefix/lib/reelscope"
cp -r "$here" "$prefix/lib/reelscope"
ln -sf "$prefix/lib/reelscope/reelscope" "$prefix/bin/reelscope"
cp -r "$here/share/." "$prefix/share/"
command -v update-desktop-database >/dev/null && update-desktop-database "$prefix/share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q "$prefix/share/icons/hicolor" || true
echo "Reelscope installed: $prefix/bin/reelscope (and in your applications menu)"
