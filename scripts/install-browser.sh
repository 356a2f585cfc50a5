#!/bin/sh
# Install what the browser test needs: Debian's chromium and chromium-driver (/usr/bin/chromium,
# /usr/bin/chromedriver). Idempotent and quiet: does nothing when both are there; runs `apt-get update`
# at most once. Needs root (or sudo) and a Debian-like system; says why not otherwise.
set -eu

have() { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; }

if have; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: apt-get not found: install chromium and chromedriver by hand" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo -n"
    else
        echo "install-browser: not root and no sudo: run 'apt-get install chromium chromium-driver' as root" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-browser: installing chromium and chromium-driver (Debian packages)..." >&2
if ! $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null 2>&1; then
    $SUDO apt-get update -qq >/dev/null
    $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi
if ! have; then
    echo "install-browser: chromium or chromedriver still missing after apt-get install" >&2
    exit 1
fi
echo "install-browser: $(/usr/bin/chromium --version 2>/dev/null || echo chromium)" >&2
