#!/usr/bin/env bash
# A short end-to-end tour of the zoo on data that needs no internet: optdigits ships
# inside zoo-cnn, and the text and ratings files below are written on the spot.
# Every run lands in runs/tour/ (ignored by git); the whole tour takes a few minutes
# on a laptop CPU.
set -euo pipefail

tour=runs/tour
rm -rf "$tour"
mkdir -p "$tour"
step() { printf '\n==> %s\n' "$*" >&2; }

step "What is installed"
zoo plugins
zoo models
zoo datasets

step "Image classification: LeNet-5 on the bundled optdigits digits"
zoo info cnn/lenet5
zoo train cnn/lenet5 --dataset optdigits --epochs 4 --device cpu --out "$tour/lenet5"
zoo evaluate "$tour/lenet5"
python - "$tour" <<'PY'
import sys
from pathlib import Path

import numpy as np
from PIL import Image

import zoo_core

bundle = zoo_core.load_dataset("optdigits")
info = bundle.info
for index in (0, 1, 2):
    image, label = bundle.splits["test"][index]
    pixels = image.numpy()[0] * info["std"][0] + info["mean"][0]
    picture = Image.fromarray((np.clip(pixels, 0, 1) * 255).astype(np.uint8))
    picture.save(Path(sys.argv[1]) / f"digit-{index}-is-{int(label)}.png")
PY
zoo predict "$tour/lenet5" "$tour"/digit-*.png --top-k 3
zoo export "$tour/lenet5" --format onnx --out "$tour/lenet5.onnx"
zoo export "$tour/lenet5" --format torchscript --out "$tour/lenet5.pt"

step "Image generation: a conditional GAN on the same digits"
zoo train gan/cgan --dataset optdigits --epochs 2 --device cpu --out "$tour/cgan" \
    --set classifier="$tour/lenet5"
zoo generate "$tour/cgan" --num 16 --label 7 --seed 1 --out "$tour/sevens.png"

step "Text generation: a character GRU on a text written here"
python - "$tour/text.txt" <<'PY'
import sys
import zoo_core.cli

text = (zoo_core.cli.main.help or "") * 40
open(sys.argv[1], "w", encoding="utf-8").write(text)
PY
zoo train rnn/char-gru --dataset text-file --set data.path="$tour/text.txt" \
    --epochs 8 --set hidden_size=128 --set layers=1 --set bptt=32 --batch-size 16 \
    --device cpu --out "$tour/char-gru"
zoo evaluate "$tour/char-gru"
zoo generate "$tour/char-gru" --prime "Train" --num 120 --temperature 0.8 --seed 3

step "Recommendation: matrix factorisation on a ratings file written here"
python - "$tour/ratings.csv" <<'PY'
import sys

import numpy as np

rng = np.random.default_rng(0)
users, items = rng.normal(size=(60, 3)), rng.normal(size=(40, 3))
with open(sys.argv[1], "w") as out:
    out.write("user_id,item_id,rating\n")
    for user in range(60):
        for item in rng.choice(40, size=15, replace=False):
            score = 3 + users[user] @ items[item] + rng.normal(scale=0.3)
            out.write(f"u{user},i{item},{int(np.clip(np.rint(score), 1, 5))}\n")
PY
zoo train recsys/mf --dataset ratings-csv --set data.path="$tour/ratings.csv" \
    --set data.rating_min=1 --set data.rating_max=5 --epochs 40 --device cpu \
    --out "$tour/mf"
zoo evaluate "$tour/mf" --json
zoo predict "$tour/mf" u7 --top-k 5

step "Done: every run is in $tour"
