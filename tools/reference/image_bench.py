"""Decode + ABC preprocessing throughput on 12 MP JPEGs, one core: Pillow + qwen-vl-utils
smart_resize + transformers' Qwen2VLImageProcessor against `abc-photos-cli preprocess --bench`,
in the same run on the same files.

    tools/reference/.venv/bin/python tools/reference/image_bench.py --cli build/image/app/abc-photos-cli [--runs 5]

Times are CPU time of the working thread (process_time / CLOCK_THREAD_CPUTIME_ID), so a busy
machine skews both sides less; wall time is printed too.
"""
import argparse
import io
import json
import math
import os
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from transformers import Qwen2VLImageProcessor

REFERENCE = Path(os.environ.get("ABC_REFERENCE_DIR", "/work/shared/reference"))


def smart_resize(h, w, factor=28, min_pixels=4 * 28 * 28, max_pixels=16384 * 28 * 28):
    # qwen-vl-utils' fetch_image arithmetic (imported module needs torchvision; same code).
    h_bar = max(factor, round(h / factor) * factor)
    w_bar = max(factor, round(w / factor) * factor)
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt((h * w) / max_pixels)
        h_bar = math.floor(h / beta / factor) * factor
        w_bar = math.floor(w / beta / factor) * factor
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (h * w))
        h_bar = math.ceil(h * beta / factor) * factor
        w_bar = math.ceil(w * beta / factor) * factor
    return h_bar, w_bar


def photo_like_12mp(path: Path):
    """A 4000x3000 q90 JPEG with smooth regions and edges (a noise image is the worst case)."""
    rng = np.random.default_rng(3)
    small = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)
    im = Image.fromarray(small).resize((4000, 3000), Image.BICUBIC)
    arr = np.asarray(im).astype(np.int16) + rng.integers(-6, 7, (3000, 4000, 3))
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(path, "JPEG", quality=90)


def python_pipeline(data: bytes, processor):
    im = Image.open(io.BytesIO(data)).convert("RGB")
    h1, w1 = smart_resize(im.height, im.width)
    stage1 = im.resize((w1, h1))
    return processor(images=stage1, return_tensors="np")["pixel_values"]


def time_python(path: Path, runs: int):
    data = path.read_bytes()
    processor = Qwen2VLImageProcessor(min_pixels=256 * 28 * 28, max_pixels=1024 * 28 * 28)
    python_pipeline(data, processor)  # warm-up
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(runs):
        python_pipeline(data, processor)
    return (time.process_time() - cpu0) / runs * 1e3, (time.perf_counter() - wall0) / runs * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    # One thread for numpy/torch too: the comparison is per core.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with tempfile.TemporaryDirectory() as tmp:
        photo = Path(tmp) / "photo_like_4000x3000.jpg"
        photo_like_12mp(photo)
        files = [photo, REFERENCE / "images" / "noise_4000x3000.jpg"]
        print(f"Pillow {Image.__version__}, runs {args.runs}")
        for f in files:
            py_cpu, py_wall = time_python(f, args.runs)
            out = subprocess.run([args.cli, "preprocess", "--image", str(f), "--bench", str(args.runs)],
                                 check=True, capture_output=True, text=True).stdout
            ours = json.loads(out.strip().splitlines()[-1])
            print(f"{f.name}: python {py_cpu:.0f} ms cpu ({py_wall:.0f} wall) = {1e3 / py_cpu:.2f} photos/s/core; "
                  f"abc {ours['ms_per_photo_cpu']:.0f} ms cpu ({ours['ms_per_photo_wall']:.0f} wall) = "
                  f"{ours['photos_per_s_per_core']:.2f} photos/s/core; speed-up {py_cpu / ours['ms_per_photo_cpu']:.2f}x")


if __name__ == "__main__":
    main()
