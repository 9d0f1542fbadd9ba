#!/usr/bin/env bash
# Installs what grokmirror-swift builds and tests against: Debian packages
# (git, zlib, libcurl, nginx, fcgiwrap; make and systemd for the install
# and unit tests; openssh-server and openssh-client for the push fixtures'
# own sshd; subversion and git-svn for grok-dumb-pull -s; public-inbox for
# grok-pi-indexer; chromium to render grok-serve's pages) and, unless
# --no-reference, the
# reference grokmirror 2.0.12 in a virtualenv at .venv/, with aiosmtpd (the
# SMTP listener grok-fsck's report tests mail to).
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(git zlib1g-dev libcurl4-openssl-dev libsqlite3-dev nginx fcgiwrap pkg-config procps make systemd openssh-server openssh-client subversion git-svn public-inbox chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "${1:-}" != "--no-reference" ]; then
  if ! .venv/bin/python -c 'import grokmirror, packaging, aiosmtpd; assert grokmirror.VERSION == "2.0.12"' 2>/dev/null; then
    echo "installing the reference grokmirror 2.0.12 and aiosmtpd into .venv"
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check grokmirror==2.0.12 packaging aiosmtpd
  fi
fi
