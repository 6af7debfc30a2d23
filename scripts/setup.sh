#!/usr/bin/env bash
# Installs everything codeintel's tests and benchmarks need on a fresh Debian machine:
# system packages (clangd, shellcheck, fzf, fd-find, chromium; python3-click as a real Python project;
# universal-ctags as the oracle for the syntactic tier's recall; postgresql (with pg_trgm) for the team symbol store; gopls and golang-go for the Go server tests)
# and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(git clangd shellcheck fzf fd-find chromium chromium-driver python3-click universal-ctags gopls golang-go python3-pytest python3-websockets postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
npm ci
