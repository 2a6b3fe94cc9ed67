"""Times ABC's pipeline in transformers (eager, float32, CPU) on a random mid-size configuration.

The model is abc_reference's: transformers 4.47.1 Qwen2-VL with ABC's runtime patches, the
instruct LoRA attached through peft (disabled for image-only and text inputs, as ABC does), the
MLP head and L2 norm; logits are skipped as in ABC. The pretrain adapter, once merged, costs
nothing at run time, so random base weights stand in for base + merged pretrain.

Writes the config.json it used (--config-out) so that `abc-photos-cli bench` can run the very
same shapes, and prints one JSON line per scenario.

    tools/reference/.venv/bin/python tools/reference/bench_transformers.py --threads 2
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch
from peft import LoraConfig, get_peft_model
from transformers import Qwen2VLConfig

sys.path.insert(0, str(Path(__file__).resolve().parent))
import abc_reference  # noqa: E402

PATCH_DIM = 3 * 2 * 14 * 14
VOCAB = 8192

# Qwen2-VL-7B's proportions at roughly 1/3.5 width and 1/3.5 depth.
MIDSIZE = {
    "architectures": ["Qwen2VLForConditionalGeneration"], "model_type": "qwen2_vl",
    "attention_dropout": 0.0, "bos_token_id": VOCAB - 12, "eos_token_id": VOCAB - 11,
    "vision_start_token_id": VOCAB - 8, "vision_end_token_id": VOCAB - 7,
    "vision_token_id": VOCAB - 6, "image_token_id": VOCAB - 5, "video_token_id": VOCAB - 4,
    "hidden_act": "silu", "hidden_size": 1024, "intermediate_size": 2816,
    "initializer_range": 0.02, "max_position_embeddings": 32768, "max_window_layers": 8,
    "num_attention_heads": 16, "num_hidden_layers": 8, "num_key_value_heads": 4,
    "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "sliding_window": 32768,
    "tie_word_embeddings": False, "torch_dtype": "bfloat16", "transformers_version": "4.47.1",
    "use_cache": True, "use_sliding_window": False, "vocab_size": VOCAB,
    "rope_scaling": {"type": "mrope", "mrope_section": [8, 12, 12]},
    "vision_config": {"depth": 8, "embed_dim": 512, "mlp_ratio": 4, "num_heads": 8, "in_chans": 3,
                      "in_channels": 3, "hidden_size": 1024, "hidden_act": "quick_gelu", "patch_size": 14,
                      "spatial_merge_size": 2, "temporal_patch_size": 2},
}
MLP_HEAD_HIDDEN = 1024
INSTRUCT_LORA = {"r": 16, "lora_alpha": 32,
                 "target_modules": r".*\.(self_attn\.(q_proj|k_proj|v_proj|o_proj)|mlp\.(gate_proj|up_proj|down_proj))"}
PROMPT_TOKENS = 14   # system prompt + chat markup around the user content
QUERY_TOKENS = 10    # a short search query


def build_model(config_path: Path):
    abc_reference.install_abc_runtime_patches()
    config = Qwen2VLConfig.from_pretrained(config_path.parent)
    config.abc_mlp_head_hidden = MLP_HEAD_HIDDEN
    config._attn_implementation = "eager"
    config.vision_config._attn_implementation = "eager"
    torch.manual_seed(0)
    base = abc_reference.AbcQwen2VL(config).float().eval()
    base.lm_head = abc_reference.SkipLogits()
    peft = get_peft_model(base, LoraConfig(**INSTRUCT_LORA, init_lora_weights=False), adapter_name="instruct")
    peft.eval()
    abc_reference.round_rotary_buffers_to_bf16(base)
    return peft, base


def image_request(side_tokens: int) -> dict:
    """An image of side_tokens x side_tokens merged tokens (2x2 patches each) in ABC's prompt."""
    grid = [1, 2 * side_tokens, 2 * side_tokens]
    n_tokens = side_tokens * side_tokens
    ids = ([1] * PROMPT_TOKENS + [MIDSIZE["vision_start_token_id"]] + [MIDSIZE["image_token_id"]] * n_tokens
           + [MIDSIZE["vision_end_token_id"]] + [1] * 5)
    gen = torch.Generator().manual_seed(side_tokens)
    return {"input_ids": torch.tensor([ids]), "attention_mask": torch.ones(1, len(ids), dtype=torch.long),
            "pixel_values": torch.randn(grid[1] * grid[2], PATCH_DIM, generator=gen),
            "image_grid_thw": torch.tensor([grid])}


def text_request() -> dict:
    ids = [1] * (PROMPT_TOKENS + QUERY_TOKENS + 5)
    return {"input_ids": torch.tensor([ids]), "attention_mask": torch.ones(1, len(ids), dtype=torch.long)}


def timed_embed(peft, base, request) -> dict:
    marks = {}
    hooks = [
        base.visual.register_forward_pre_hook(lambda m, a: marks.__setitem__("v0", time.perf_counter())),
        base.visual.register_forward_hook(lambda m, a, o: marks.__setitem__("v1", time.perf_counter())),
        base.model.register_forward_pre_hook(lambda m, a: marks.__setitem__("l0", time.perf_counter())),
        base.model.register_forward_hook(lambda m, a, o: marks.__setitem__("l1", time.perf_counter())),
    ]
    t0 = time.perf_counter()
    base.rope_deltas = torch.zeros(1, 1, dtype=torch.long)  # sequential positions, as ABC after call 1
    with peft.disable_adapter():
        out = base(**request, output_hidden_states=True, return_dict=True)
    h0 = time.perf_counter()
    keep = (request["input_ids"] != 0).unsqueeze(-1)
    embedding = torch.nn.functional.normalize(base.mlp_head(torch.mean(keep * out.hidden_states[-1], 1)), dim=-1)
    t1 = time.perf_counter()
    for h in hooks:
        h.remove()
    assert embedding.shape == (1, MIDSIZE["hidden_size"])
    return {"total": t1 - t0, "vision": marks.get("v1", 0) - marks.get("v0", 0),
            "llm": marks["l1"] - marks["l0"], "head": t1 - h0}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--config-out", type=Path,
                        default=Path(__file__).resolve().parent / "bench_midsize" / "config.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)
    args.config_out.parent.mkdir(parents=True, exist_ok=True)
    args.config_out.write_text(json.dumps(MIDSIZE, indent=2) + "\n")

    t0 = time.perf_counter()
    peft, base = build_model(args.config_out)
    build_s = time.perf_counter() - t0
    weights = sum(p.numel() for p in base.parameters())
    print(json.dumps({"transformers": "4.47.1", "torch": torch.__version__, "threads": args.threads,
                      "config": str(args.config_out), "parameters": weights, "build_random_model_s": round(build_s, 2)}))
    scenarios = [("image_256_tokens", image_request(16)), ("image_1024_tokens", image_request(32)),
                 ("text_query", text_request())]
    for name, request in scenarios:
        timed_embed(peft, base, request)  # warm-up: allocator, kernels
        runs = [timed_embed(peft, base, request) for _ in range(args.repeats)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(json.dumps({"scenario": name, "tokens": request["input_ids"].shape[1],
                          "per_item_s": round(med["total"], 4), "items_per_s": round(1 / med["total"], 3),
                          "vision_s": round(med["vision"], 4), "llm_s": round(med["llm"], 4),
                          "head_s": round(med["head"], 5), "repeats": args.repeats}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
