#!/bin/bash
# Table 8's test (nbs/experiments/robustness.ipynb: ASR after blur, JPEG q10, bit depth 3) on models that
# benchmarks/eval_model.sh evaluated, outside the pipeline: does a candidate's protection survive image processing?
#
#   bash benchmarks/robustness_models.sh OUT NAME [NAME ...]
#
# Each NAME is a folder cache/model_eval/NAME that eval_model.sh wrote (its D come from cache/model_eval/renders);
# all must share its protocol. Pairs: the first 30 genuine pairs per fold (300; the robustness stage's). Recognisers
# sface* (white box), mobilefacenet, dlib; the face_recognition client is skipped; TRANSFORMS=... picks transforms. Writes
# OUT/{table.csv,table.md,...}; ~3 min a model on 2 cores once the LFW embeddings are cached.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "$1"); shift
runs=$(.venv/bin/python -c "import json, sys; print(json.dumps({n: n for n in sys.argv[1:]}))" "$@")
transforms=${TRANSFORMS:-none,gaussian_k5_s2,median_k5,jpeg_q10,bitdepth_3}
mkdir -p "$out"
PATH=$PWD/.venv/bin:$PATH papermill --cwd nbs/experiments nbs/experiments/robustness.ipynb "$out/executed.ipynb" \
  -p runs "$runs" -p transforms "$transforms" -p recognizers sface,mobilefacenet,dlib -p per_fold 30 \
  -p results "$PWD/cache/model_eval" -p renders "$PWD/cache/model_eval/renders" -p out_dir "$out" -p client_upsample -1 -p profile gpu
echo "wrote $out (table.md)"
