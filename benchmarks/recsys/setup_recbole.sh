#!/bin/sh
# Make the virtual environment the recommender benchmark runs RecBole 1.2.1 in.
#
# RecBole 1.2.1 needs numpy < 2 and a setuptools that still ships pkg_resources,
# which the project environment does not have, so it lives in its own venv under
# benchmarks/.venvs/ (ignored by git). Torch comes from the project's constraints.
set -eu
cd "$(dirname "$0")/../.."
venv=benchmarks/.venvs/recbole
python3 -m venv "$venv"
"$venv/bin/pip" install -c constraints.txt "recbole==1.2.1" "numpy<2"
# torch declares setuptools>=77, which no longer has pkg_resources; ray and other
# RecBole dependencies still refer to it, so an older one is put back (no checks).
"$venv/bin/pip" install --no-deps "setuptools<70"
"$venv/bin/python" -c "import recbole; print('RecBole', recbole.__version__, 'ready in $venv')"
