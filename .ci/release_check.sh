#!/usr/bin/env bash
# Release check: build the sdist and, from it, the wheel (python -m build); check what the wheel carries
# (.ci/wheel_check.py); install the wheel alone into a fresh virtual environment (no torch, no editable
# install, run from outside the checkout) and smoke-test the CLI there: --version, build, certify.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python -m build --outdir "$out/dist" . > "$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
wheel=$(ls "$out"/dist/maxcert-*.whl)
ls "$out"/dist/maxcert-*.tar.gz > /dev/null
python .ci/wheel_check.py "$wheel"
python3 -m venv "$out/venv"
"$out/venv/bin/python" -m pip install -q "$wheel"
cd "$out"
bin=$out/venv/bin
"$bin/python" -c "import importlib.util as u; assert u.find_spec('torch') is None, 'torch came with the wheel'"
want=$(python -c "import sys; print(sys.argv[1].split('-')[1])" "$(basename "$wheel")")
got=$("$bin/maxcert" --version)
[ "$got" = "maxcert $want" ] || { echo "release check: --version says '$got', the wheel is $want"; exit 1; }
"$bin/maxcert" build tree --d 5 -o tree5.onnx
"$bin/maxcert" certify tree5.onnx --domain reals | tee certify.txt
grep -q "^CERTIFIED" certify.txt
# a committed trained model: its exact worst-case error is 0.2361..., so eps = 1/4 certifies
"$bin/maxcert" certify "$root/benchmarks/models/max_d4_16.onnx" --eps 1/4 | tee certify.txt
grep -q "^CERTIFIED" certify.txt
echo "release check: $(basename "$wheel") builds, installs alone and runs ($got)"
