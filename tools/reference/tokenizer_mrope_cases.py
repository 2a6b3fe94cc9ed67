"""M-RoPE position fixture: transformers' Qwen2VLForConditionalGeneration.get_rope_index
(4.47.1) on synthetic sequences with several images, so the C++ positions are checked on
more than the single-image goldens.

Usage: tools/reference/.venv/bin/python tools/reference/tokenizer_mrope_cases.py \
           [--out tests/data/tokenizer/mrope_cases.json]
"""

import argparse
import json
import os
import random
from types import SimpleNamespace

import torch
import transformers
from transformers.models.qwen2_vl.modeling_qwen2_vl import Qwen2VLForConditionalGeneration

IMAGE_PAD, VIDEO_PAD, VISION_START, VISION_END = 151655, 151656, 151652, 151653
MERGE = 2


def sequence(parts):
    """parts: int (that many text tokens) or (t, h, w) grid (an image block)."""
    ids, grids = [], []
    rng = random.Random(len(parts))
    for part in parts:
        if isinstance(part, int):
            ids += [rng.randrange(1, 151000) for _ in range(part)]
        else:
            t, h, w = part
            ids += [VISION_START] + [IMAGE_PAD] * (t * h * w // (MERGE * MERGE)) + [VISION_END]
            grids.append([t, h, w])
    return ids, grids


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(repo, "tests", "data", "tokenizer",
                                                      "mrope_cases.json"))
    args = parser.parse_args()

    fake = SimpleNamespace(config=SimpleNamespace(
        vision_config=SimpleNamespace(spatial_merge_size=MERGE), image_token_id=IMAGE_PAD,
        video_token_id=VIDEO_PAD, vision_start_token_id=VISION_START))
    layouts = {
        "text_only": [7],
        "one_image": [15, (1, 4, 6), 6],
        "image_first": [(1, 6, 4), 3],
        "image_last": [5, (1, 2, 2)],
        "two_images": [15, (1, 4, 6), 4, (1, 8, 2), 6],
        "adjacent_images": [3, (1, 2, 4), (1, 6, 6), 2],
        "three_images_tall_wide": [2, (1, 20, 2), 1, (1, 2, 20), 1, (1, 10, 10), 5],
        "temporal_two": [4, (2, 4, 4), 3],
    }
    cases = []
    for name, parts in layouts.items():
        ids, grids = sequence(parts)
        positions, _ = Qwen2VLForConditionalGeneration.get_rope_index(
            fake, torch.tensor([ids]), torch.tensor(grids) if grids else None, None, None)
        cases.append({"id": name, "input_ids": ids, "grid_thw": grids,
                      "position_ids": positions[:, 0, :].tolist()})
    with open(args.out, "w") as f:
        json.dump({"format": "abc-mrope-cases/1", "transformers": transformers.__version__,
                   "image_token_id": IMAGE_PAD, "vision_start_token_id": VISION_START,
                   "spatial_merge_size": MERGE, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"{args.out}: {len(cases)} cases")


if __name__ == "__main__":
    main()
