#!/usr/bin/env bash
# The main job on a fresh machine: install cimo-graph into a virtual environment, then
# load the bundled study, validate it, answer the study's questions, and draw it into
# cimo-graph-output/ (the interactive network, the figures, a GraphML export, the evidence
# report).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
.venv/bin/cimo-graph report --out cimo-graph-output "$@"
