#!/usr/bin/env bash
# Build the Python 3.9 virtualenv in which run_consumer.py runs the two consumer tools
# (auto_LiRPA 0.3 and CrypTen 0.4.1) on maxcert's rewritten ONNX models.
#
#   bash benchmarks/consumers/setup_env.sh          # build (or confirm) benchmarks/consumers/.venv39
#   bash benchmarks/consumers/setup_env.sh --force  # delete the venv and build it again
#
# Why a separate, old environment: auto_LiRPA 0.3 (the latest release on PyPI) needs
# torch>=1.8,<1.13 and torchvision<0.14, so it cannot share the project's torch 2 environment.
# Python 3.9 comes from pyenv ($(pyenv root)/versions/3.9.18). Everything comes from PyPI only:
# the torch 1.12.1 wheel there is the default (CUDA 10.2) build, which runs fine on CPU; the
# '+cpu' builds are on PyTorch's own index, which is not reachable here.
#
# Every transitive version is pinned by constraints39.txt beside this file (a `pip freeze` of a
# working build), so a rebuild gets the same packages. The script is idempotent: a finished
# build leaves .venv39/.built holding a hash of this script and the constraints; while that hash
# matches, the script only prints the installed versions. It prints one line per step.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv39"
CONSTRAINTS="$HERE/constraints39.txt"
STAMP="$VENV/.built"
PY_VERSION=3.9.18

step() { printf '[setup_env] %s\n' "$*"; }
quiet_pip() {
    # pip's output goes to a log; on failure, its last lines (the actual error) are shown.
    local log="$VENV/pip-install.log"
    if ! "$VENV/bin/python" -m pip install --no-input "$@" >>"$log" 2>&1; then
        step "FAILED: pip install $* -- last lines of $log:"
        tail -n 25 "$log" >&2
        exit 1
    fi
}

if [[ "${1:-}" == "--force" ]]; then
    step "--force: removing $VENV"
    rm -rf "$VENV"
fi

want_hash="$( { cat "${BASH_SOURCE[0]}"; cat "$CONSTRAINTS" 2>/dev/null || true; } | sha256sum | cut -d' ' -f1)"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want_hash" ]]; then
    step "already built: $VENV (delete it or pass --force to rebuild)"
    "$VENV/bin/python" - <<'EOF'
import importlib.metadata as md
print("[setup_env] " + ", ".join(f"{p} {md.version(p)}" for p in
      ("torch", "torchvision", "numpy", "onnx", "onnx2torch", "auto_LiRPA", "crypten")))
EOF
    exit 0
fi

# 1. Python 3.9 from pyenv
if command -v pyenv >/dev/null 2>&1; then
    PYROOT="$(pyenv root)"
else
    PYROOT="${PYENV_ROOT:-$HOME/.pyenv}"
fi
PY39="$PYROOT/versions/$PY_VERSION/bin/python"
if [[ ! -x "$PY39" ]]; then
    step "FAILED: no $PY39 (install it with: pyenv install $PY_VERSION)"
    exit 1
fi
step "python: $PY39 ($("$PY39" -c 'import sys; print(sys.version.split()[0])'))"

# 2. the virtualenv (a half-built one from an interrupted run is reused; pip skips what is there)
if [[ ! -x "$VENV/bin/python" ]]; then
    "$PY39" -m venv "$VENV"
    step "venv created: $VENV"
else
    step "venv exists: $VENV (finishing the build)"
fi
: >"$VENV/pip-install.log"

# The constraints file pins every package; it overrides any machine-wide pip constraint file.
PIN=()
if [[ -f "$CONSTRAINTS" ]]; then PIN=(-c "$CONSTRAINTS"); fi

# 3. torch 1.12.1 (PyPI wheel, ~750 MB download), the torchvision that goes with it, numpy 1.x
quiet_pip "${PIN[@]}" "torch==1.12.1" "torchvision==0.13.1" "numpy<2"
step "installed torch 1.12.1, torchvision 0.13.1, numpy<2"

# 4. onnx + onnx2torch
quiet_pip "${PIN[@]}" "onnx==1.16.2" "onnx2torch==1.5.15" "numpy<2"
step "installed onnx 1.16.2, onnx2torch 1.5.15"

# 5. auto_LiRPA 0.3 (sdist; its setup.py pins torch<1.13, torchvision<0.14) and tqdm, which it imports
quiet_pip "${PIN[@]}" "auto-LiRPA==0.3" tqdm "numpy<2"
step "installed auto_LiRPA 0.3"

# 6. CrypTen 0.4.1: it requires the deprecated 'sklearn' dummy package, whose sdist refuses to
#    build unless this variable is set.
SKLEARN_ALLOW_DEPRECATED_SKLEARN_PACKAGE_INSTALL=True quiet_pip "${PIN[@]}" "crypten==0.4.1" "numpy<2"
step "installed crypten 0.4.1"

# 7. check: consistent requirements and every package imports
"$VENV/bin/python" -m pip check >>"$VENV/pip-install.log" 2>&1 \
    && step "pip check: no broken requirements" \
    || step "pip check reports conflicts (see $VENV/pip-install.log)"
# (auto_LiRPA prints "No CUDA runtime is found" on import; only our own line is shown)
if ! check_out="$("$VENV/bin/python" - 2>&1 <<'EOF'
import importlib.metadata as md
import torch, torchvision, numpy, onnx, onnx2torch, auto_LiRPA, crypten  # noqa: F401
print("[setup_env] imports ok: " + ", ".join(f"{p} {md.version(p)}" for p in
      ("torch", "torchvision", "numpy", "onnx", "onnx2torch", "auto_LiRPA", "crypten")))
EOF
)"; then
    step "FAILED: importing the packages:"
    echo "$check_out" >&2
    exit 1
fi
grep '^\[setup_env\]' <<<"$check_out"

"$VENV/bin/python" -m pip freeze --all >"$VENV/freeze.txt"
echo "$want_hash" >"$STAMP"
step "done: activate with 'source $VENV/bin/activate' (pip freeze in $VENV/freeze.txt)"
