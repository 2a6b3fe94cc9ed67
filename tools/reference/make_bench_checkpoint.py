"""Writes a random ABC checkpoint in the hub layout, large enough to measure load memory.

`abc-photos-cli bench --base DIR/Qwen2-VL --pretrain DIR/ABC-Pretrain` then loads it like a
real one (sharded BF16 safetensors, LoRA merge, head from modules_to_save) and reports peak
RSS against the size of the weights. Default: bench_midsize's shapes with 24 LLM layers and a
32768-token vocabulary, 336 M parameters, 672 MB of BF16 on disk.

    tools/reference/.venv/bin/python tools/reference/make_bench_checkpoint.py --out /tmp/abc-load
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_transformers  # noqa: E402
import make_engine_fixtures  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--layers", type=int, default=24)
    parser.add_argument("--vocab", type=int, default=32768)
    parser.add_argument("--shards", type=int, default=4)
    args = parser.parse_args(argv)
    mid = bench_transformers.MIDSIZE
    cfg = {"name": "bench_load", "vocab": args.vocab, "hidden": mid["hidden_size"], "layers": args.layers,
           "heads": mid["num_attention_heads"], "kv_heads": mid["num_key_value_heads"],
           "intermediate": mid["intermediate_size"], "mrope_section": mid["rope_scaling"]["mrope_section"],
           "rope_theta": mid["rope_theta"], "rms_norm_eps": mid["rms_norm_eps"], "rope_scaling_style": "type_mrope",
           "vision": {k: mid["vision_config"][k] for k in ("depth", "embed_dim", "num_heads", "mlp_ratio", "hidden_act")},
           "head_hidden": 1024, "names": "transformers-4",
           "pretrain": {"r": 16, "alpha": 32, "rslora": False,
                        "targets": make_engine_fixtures.LLM_TARGETS + make_engine_fixtures.VISION_TARGETS}}
    gen = torch.Generator().manual_seed(7)
    weights = make_engine_fixtures.random_base_weights(cfg, gen)
    make_engine_fixtures.random_base_weights.shapes[cfg["name"]] = {k: tuple(v.shape) for k, v in weights.items()}
    base = args.out / "Qwen2-VL"
    make_engine_fixtures.save_sharded(weights, base, args.shards)
    (base / "config.json").write_text(json.dumps(make_engine_fixtures.base_config(cfg), indent=2) + "\n")
    make_engine_fixtures.write_adapter(cfg, cfg["pretrain"], args.out / "ABC-Pretrain", gen, with_head=True)
    total = sum(t.numel() for t in weights.values())
    print(json.dumps({"out": str(args.out), "parameters": total,
                      "bytes_bf16": sum(t.numel() * t.element_size() for t in weights.values())}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
