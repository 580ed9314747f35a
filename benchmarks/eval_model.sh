#!/bin/bash
# Evaluate one HN checkpoint outside the pipeline: nbs/experiments/evaluate.ipynb through papermill, as the evaluate stage
# runs it, but on a protocol of your choice and with its outputs under cache/model_eval/NAME (no params.yaml run, no DVC).
#
#   bash benchmarks/eval_model.sh NAME CHECKPOINT [PROTOCOL [PROFILE]]
#   PROTOCOL: exp (default: 300 genuine pairs, 200 people) | full | compare; PROFILE: the model's, for the tables (default gpu)
#
# For a returned lease arm or a CPU run before deciding whether it deserves a run of record (gpu_lease.py add-runs).
# Recognisers sface, mobilefacenet, dlib (+ the face_recognition client); E = the shipped model's embedded face.
# The 300-pair numbers of README's lineage table (and results/gpu/HISTORY.md) came from this command with PROTOCOL exp (the two CPU
# models with PROFILE gpu, the shipped one with offline), ~5 min a model on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1; ckpt=$(realpath "$2"); protocol=${3:-exp}; profile=${4:-gpu}
out=$PWD/cache/model_eval/$name
mkdir -p "$out"
e_image=$(.venv/bin/python -c "from featembed_nb.gpu_lease import SHIPPED_E; print(SHIPPED_E)")   # as add-runs uses
PATH=$PWD/.venv/bin:$PATH papermill --cwd nbs/experiments nbs/experiments/evaluate.ipynb "$out/executed.ipynb" \
  -p run "$name" -p deidentifier hn \
  -p deid_params "{\"checkpoint\": \"$ckpt\", \"e_image\": \"$e_image\"}" \
  -p white_box auto -p protocol "$protocol" -p params_file params.yaml -p recognizers sface,mobilefacenet,dlib \
  -p profile "$profile" -p out_dir "$out" -p renders_dir "$PWD/cache/model_eval/renders"
echo "wrote $out (table.md, client.md, cmc.png, grid.png)"
