#!/usr/bin/env bash
# Reproduce benchmarks/consumers/RESULTS.md: build the Python 3.9 env, the test models, run
# run_consumer.py on each of them and on benchmarks/digits/digits_cnn.onnx, and summarise.
#
#   bash benchmarks/consumers/run_all.sh
#
# Needs: pyenv's Python 3.9.18 (setup_env.sh), and a Python with onnx + onnxruntime for the
# test models (default: the repo's .venv; override with PYORT=/path/to/python). If the
# `maxcert` CLI is there (default: the repo's .venv; override with MAXCERT=...), maxcert's own
# rewrite of a_maxpool and of the digits CNN is run too. Everything generated goes to
# benchmarks/consumers/out/ (git-ignored): models, inputs, references, one JSON report and
# one log per run. About 4 minutes on 2 cores. Prints one line per run.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="$HERE/out"
PY39="$HERE/.venv39/bin/python"
PYORT="${PYORT:-$REPO/.venv/bin/python}"
MAXCERT="${MAXCERT:-$REPO/.venv/bin/maxcert}"
DIGITS="$REPO/benchmarks/digits"

bash "$HERE/setup_env.sh"
mkdir -p "$OUT"
"$PYORT" "$HERE/make_test_models.py" --variants --digits --out "$OUT" >"$OUT/make_test_models.log"
echo "[run_all] test models written to $OUT (log: make_test_models.log)"

# maxcert's own rewrite (its current default); references from onnxruntime
if [[ -x "$MAXCERT" ]]; then
    for pair in "a_maxpool:a_maxcert" "digits:digits_maxcert"; do
        src="${pair%%:*}" dst="${pair##*:}"
        model="$OUT/$src.onnx"; [[ "$src" == digits ]] && model="$DIGITS/digits_cnn.onnx"
        if "$MAXCERT" rewrite "$model" -o "$OUT/$dst.onnx" >"$OUT/$dst.rewrite.log" 2>&1; then
            echo "[run_all] maxcert rewrite $src -> $(grep '^wrote' "$OUT/$dst.rewrite.log" | tail -n 1)"
        else
            echo "[run_all] maxcert rewrite $src FAILED (see $OUT/$dst.rewrite.log)"
        fi
    done
    "$PYORT" - "$OUT" <<'EOF'
import os, sys
import numpy as np, onnxruntime as ort
out = sys.argv[1]
for model, inp in (("a_maxcert", "input"), ("digits_maxcert", "digits_input")):
    path = os.path.join(out, model + ".onnx")
    if os.path.exists(path):
        x = np.load(os.path.join(out, inp + ".npy"))
        y = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"image": x})[0]
        np.save(os.path.join(out, model + ".ref.npy"), y)
EOF
else
    echo "[run_all] no maxcert CLI at $MAXCERT: skipping maxcert's own rewrite"
fi

run() {  # NAME MODEL INPUT REF [run_consumer options...]
    local name="$1" model="$2" input="$3" ref="$4"
    shift 4
    [[ -f "$model" ]] || { echo "[run_all] $name: no $model, skipped"; return 0; }
    "$PY39" "$HERE/run_consumer.py" "$model" --input "$input" --reference "$ref" "$@" \
        --json "$OUT/$name.json" >"$OUT/$name.log" 2>&1 \
        && echo "[run_all] $name: $(tail -n 1 "$OUT/$name.log")" \
        || echo "[run_all] $name: run_consumer.py FAILED (see $OUT/$name.log)"
}

# auto_LiRPA options that get round its 0.3 bugs on >2-D MatMul, 3-D Relu inputs and patches
WORKAROUND=(--skip crypten --lirpa-full-c
            --lirpa-opts '{"sparse_features_alpha": false, "conv_mode": "matrix"}')
# maxcert's rewrite takes every Relu on a 2-D reshape: only the patches bug (a Conv after a
# non-Conv node) is left, and auto_LiRPA's own conv_mode option gets round it
CONVMATRIX=(--skip crypten --lirpa-opts '{"conv_mode": "matrix"}')

MODELS=(a_maxpool b_rewrite b_rewrite_init b_rewrite_finit b_rewrite_allconst
        a_maxpool_nodil a_maxpool_allconst b_reshape b_reshape_finit b_gemm b_gemm_noattr
        b_left b_4d b_4d_reshape b_flat2d b_flat2d_init b_flat2d_gemm b_flat2d_gemm_init
        b_conv b_conv_const b_conv2x2 b_conv2x2_dw
        c_maxpool c_rewrite c_flat2d_gemm_init c_conv2x2 a_maxcert)
for m in "${MODELS[@]}"; do
    run "$m" "$OUT/$m.onnx" "$OUT/input.npy" "$OUT/$m.ref.npy"
done
for m in b_rewrite b_flat2d b_4d b_left b_gemm b_conv2x2_dw c_maxpool c_rewrite; do
    run "$m+workaround" "$OUT/$m.onnx" "$OUT/input.npy" "$OUT/$m.ref.npy" "${WORKAROUND[@]}"
done

# the real model: first held-out image of class 0, eps 0.01
DIG=("$OUT/digits_input.npy" "$OUT/digits_ref.npy" --label 0 --eps 0.01)
run digits "$DIGITS/digits_cnn.onnx" "${DIG[@]}"
run digits_b1 "$OUT/digits_cnn_b1.onnx" "${DIG[@]}"
run digits_maxcert "$OUT/digits_maxcert.onnx" "${DIG[@]}"
run digits_maxcert+conv_mode_matrix "$OUT/digits_maxcert.onnx" "${DIG[@]}" "${CONVMATRIX[@]}"
run a_maxcert+conv_mode_matrix "$OUT/a_maxcert.onnx" "$OUT/input.npy" "$OUT/a_maxcert.ref.npy" "${CONVMATRIX[@]}"

"$PY39" "$HERE/summarize.py" "$OUT" >"$HERE/RESULTS.md"
echo "[run_all] wrote $HERE/RESULTS.md"
