#!/usr/bin/env bash
# The fast tests (not marked slow) on the lowest and the highest supported Python, each in
# a virtual environment of its own (.venv-3.10, .venv-3.13). Interpreters are looked up in
# pyenv's folder, then on PATH (python3.10, python3.13); each is asked its version, so a
# pyenv shim without that version is passed over. Extra arguments go to pytest.
# Under CI=true a missing interpreter fails; elsewhere it is reported and passed over.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
    local version=$1 candidate
    for candidate in $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/python 2>/dev/null | sort -V -r) \
                     "$(command -v "python$version" || true)"; do
        if [ -n "$candidate" ] && "$candidate" -c \
            "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$version'.split('.'))))" \
            >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

status=0
for version in 3.10 3.13; do
    if ! python=$(find_python "$version"); then
        echo "Python $version not found (pyenv's versions/$version.*, or python$version)" >&2
        if [ "${CI:-}" = "true" ]; then status=1; fi
        continue
    fi
    echo "== fast tests on $("$python" --version) ($python)"
    "$python" -m venv ".venv-$version"
    ".venv-$version/bin/python" -m pip install --quiet --upgrade pip
    ".venv-$version/bin/python" -m pip install --quiet -e ".[test]"
    ".venv-$version/bin/pytest" -q -m "not slow" -p no:cacheprovider "$@" || status=1
done
exit $status
