#!/usr/bin/env bash
# Builds the Python package with the dev profile (fast to compile; the
# target directory is the workspace's, so the library's build is reused),
# installs it in its own venv (target/python-venv, pinned requirements from
# PyPI, remade when they change) and runs the pytest suite against the
# scenepal program given (default: target/debug/scenepal).
#
#   python/tests/run.sh [SCENEPAL] [PYTEST ARGS...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
scenepal=$(realpath "${1:-$root/target/debug/scenepal}")
shift || true
venv="$root/target/python-venv"
requirements="$root/python/tests/requirements.txt"
if [ ! -x "$venv/bin/maturin" ] || ! cmp -s "$requirements" "$venv/requirements.txt"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/requirements.txt"
fi
wheels="$root/target/python-wheels"
rm -rf "$wheels"
"$venv/bin/maturin" build --quiet --locked --profile dev -m "$root/python/Cargo.toml" -o "$wheels"
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheels"/scenepal-*.whl
cd "$root"
SCENEPAL_BIN="$scenepal" "$venv/bin/python" -m pytest -q -p no:cacheprovider python/tests "$@"
