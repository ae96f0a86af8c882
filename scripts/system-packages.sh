#!/usr/bin/env bash
# Installs the system programs that the test suite's real-part tests use: a SPARQL server
# (Virtuoso Open Source), a headless browser (Chromium) and Graphviz (to draw DOT).
# Non-interactive; does nothing for what is already there; without root or apt-get it says
# what is missing and which tests will skip because of it (locally they skip; under
# CI=true they fail).
set -u

need=()
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v dot >/dev/null 2>&1 || need+=(graphviz)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    echo "Installing system packages: ${need[*]}"
    apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null \
        || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null; } \
        || echo "Could not install ${need[*]}; the tests that need them will skip." >&2
else
    echo "Not installed: ${need[*]} (needs root and apt-get). Tests that need a SPARQL" \
         "server or a browser will skip; install them with:" \
         "sudo apt-get install ${need[*]}" >&2
fi
exit 0
