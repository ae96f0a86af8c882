#!/usr/bin/env bash
# The fast tests (not marked slow) on the lowest and the highest supported Python, each in
# a virtual environment of its own (.venv-3.10, .venv-3.13). Interpreters are looked up
# on PATH (python3.10, python3.13) and in pyenv's folder. Extra arguments go to pytest.
# Under CI=true a missing interpreter fails; elsewhere it is reported and passed over.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
for version in 3.10 3.13; do
    python=$(command -v "python$version" || true)
    if [ -z "$python" ]; then
        python=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/python 2>/dev/null | sort -V | tail -n 1 || true)
    fi
    if [ -z "$python" ] || [ ! -x "$python" ]; then
        echo "Python $version not found (python$version, or pyenv's versions/$version.*)" >&2
        if [ "${CI:-}" = "true" ]; then status=1; fi
        continue
    fi
    echo "== fast tests on $("$python" --version)"
    "$python" -m venv ".venv-$version"
    ".venv-$version/bin/python" -m pip install --quiet --upgrade pip
    ".venv-$version/bin/python" -m pip install --quiet -e ".[test]"
    ".venv-$version/bin/pytest" -q -m "not slow" -p no:cacheprovider "$@" || status=1
done
exit $status
