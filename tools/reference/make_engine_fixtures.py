"""Writes small random ABC checkpoints (hub layout) and their goldens to tests/data/engine/.

Each configuration gets a base folder like Qwen/Qwen2-VL-7B-Instruct (config.json, sharded BF16
safetensors, index), the pretrain adapter and, except for one configuration, the instruct adapter
(PEFT LoRA, F32). Cases are token ids plus pixel patches, so no tokenizer or image decoder is
involved; the goldens come from abc_reference.AbcReference (transformers 4.47.1 + peft 0.13.2
loading the files just written), run in float64 (float64_mode: the merged weights cast to
float64, the rotary tables as ABC's bf16 runtime holds them), so that they carry no float32
noise; the float32 run of the same reference is recorded next to them as the noise level of an
independent float32 implementation. Fixed seeds: rerunning reproduces the same bytes. The
format is documented in README.md.

    tools/reference/.venv/bin/python tools/reference/make_engine_fixtures.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import torch
from safetensors.torch import save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
import abc_reference  # noqa: E402
from float64_mode import KeepFloat64, to_float64  # noqa: E402

FORMAT = "abc-engine-fixture/1"
PATCH_DIM = 3 * 2 * 14 * 14  # channels x temporal_patch_size x patch x patch, fixed by Qwen2-VL

LLM_TARGETS = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
               "mlp.gate_proj", "mlp.down_proj", "mlp.up_proj"]
VISION_TARGETS = ["attn.qkv", "attn.proj", "mlp.fc1", "mlp.fc2"]
LLM_REGEX = r".*\.(self_attn\.(q_proj|k_proj|v_proj|o_proj)|mlp\.(gate_proj|up_proj|down_proj))"

# Images shared by all configurations: name -> grid_thw (t, h, w) in 14-px patches.
IMAGES = {
    "grid_8x12": [1, 8, 12],
    "grid_12x8": [1, 12, 8],
    "grid_6x10": [1, 6, 10],
    "grid_16x14": [1, 16, 14],
    "grid_4x4": [1, 4, 4],
}

CONFIGS = [
    {
        "name": "gqa1_list_targets",
        "about": "GQA ratio 1 (MHA), pretrain targets as a list (LLM + vision, as ABC), instruct "
                 "targets as a regex string; hub-style rope_scaling type mrope",
        "vocab": 384, "hidden": 32, "layers": 2, "heads": 4, "kv_heads": 4, "intermediate": 64,
        "mrope_section": [2, 1, 1], "rope_theta": 1000000.0, "rms_norm_eps": 1e-6,
        "rope_scaling_style": "type_mrope",
        "vision": {"depth": 2, "embed_dim": 16, "num_heads": 2, "mlp_ratio": 4, "hidden_act": "quick_gelu"},
        "head_hidden": 48, "shards": 2, "names": "transformers-4",
        "pretrain": {"r": 4, "alpha": 8, "rslora": False, "targets": LLM_TARGETS + VISION_TARGETS},
        "instruct": {"r": 8, "alpha": 16, "rslora": False, "targets": LLM_REGEX},
        "cases": ["text", "image", "inst"],
    },
    {
        "name": "gqa2_regex_rslora",
        "about": "GQA ratio 2, rsLoRA on both adapters, pretrain targets as a regex that selects "
                 "some layers only, instruct targets as a list of bare suffixes (q_proj, v_proj, "
                 "down_proj); vision GELU (erf), mlp_ratio 2; rope_theta 1e4, rms_norm_eps 1e-5",
        "vocab": 512, "hidden": 48, "layers": 3, "heads": 6, "kv_heads": 3, "intermediate": 96,
        "mrope_section": [1, 2, 1], "rope_theta": 10000.0, "rms_norm_eps": 1e-5,
        "rope_scaling_style": "rope_type_default",
        "vision": {"depth": 3, "embed_dim": 32, "num_heads": 4, "mlp_ratio": 2, "hidden_act": "gelu"},
        "head_hidden": 80, "shards": 3, "names": "transformers-4",
        "pretrain": {"r": 8, "alpha": 16, "rslora": True,
                     "targets": r"model\.layers\.[02]\.(self_attn\.(q|k|v|o)_proj|mlp\.(gate|up|down)_proj)"
                                r"|model\.layers\.1\.self_attn\.q_proj"
                                r"|visual\.blocks\.\d+\.(attn\.qkv|mlp\.fc2)"},
        "instruct": {"r": 4, "alpha": 12, "rslora": True, "targets": ["q_proj", "v_proj", "down_proj"]},
        "cases": ["text", "image", "inst"],
    },
    {
        "name": "gqa4_no_instruct",
        "about": "GQA ratio 4, no instruct adapter (ABC-Qwen2VL-Pretrain alone: image+instruction "
                 "must be refused), one vision block with SiLU, 3 vision heads",
        "vocab": 448, "hidden": 64, "layers": 3, "heads": 8, "kv_heads": 2, "intermediate": 112,
        "mrope_section": [2, 1, 1], "rope_theta": 1000000.0, "rms_norm_eps": 1e-6,
        "rope_scaling_style": "type_mrope",
        "vision": {"depth": 1, "embed_dim": 24, "num_heads": 3, "mlp_ratio": 4, "hidden_act": "silu"},
        "head_hidden": 96, "shards": 2, "names": "transformers-4",
        "pretrain": {"r": 2, "alpha": 4, "rslora": False,
                     "targets": ["q_proj", "k_proj", "v_proj", "o_proj", "qkv", "fc1"]},
        "instruct": None,
        "cases": ["text", "image"],
    },
    {
        "name": "hf5_names",
        "about": "base checkpoint saved with transformers-5.x tensor names (model.language_model.*, "
                 "model.visual.*); config.json also carries a text_config block; GQA ratio 2 with "
                 "a single KV head, head_dim 16, mrope_section [2,3,3] like the tiny reference",
        "vocab": 320, "hidden": 32, "layers": 2, "heads": 2, "kv_heads": 1, "intermediate": 80,
        "mrope_section": [2, 3, 3], "rope_theta": 1000000.0, "rms_norm_eps": 1e-6,
        "rope_scaling_style": "type_mrope",
        "vision": {"depth": 2, "embed_dim": 32, "num_heads": 2, "mlp_ratio": 4, "hidden_act": "quick_gelu"},
        "head_hidden": 64, "shards": 2, "names": "transformers-5",
        "pretrain": {"r": 4, "alpha": 8, "rslora": False, "targets": LLM_TARGETS + VISION_TARGETS},
        "instruct": {"r": 8, "alpha": 16, "rslora": True, "targets": LLM_REGEX},
        "cases": ["text", "image", "inst"],
    },
]


def special_ids(vocab: int) -> dict:
    """Qwen2-VL's special tokens, placed at the top of the small vocabulary."""
    return {"bos_token_id": vocab - 12, "eos_token_id": vocab - 11,
            "vision_start_token_id": vocab - 8, "vision_end_token_id": vocab - 7,
            "vision_token_id": vocab - 6, "image_token_id": vocab - 5, "video_token_id": vocab - 4}


def base_config(cfg: dict) -> dict:
    v = cfg["vision"]
    if cfg["rope_scaling_style"] == "type_mrope":
        rope = {"type": "mrope", "mrope_section": cfg["mrope_section"]}
    else:
        rope = {"rope_type": "default", "type": "default", "mrope_section": cfg["mrope_section"]}
    text = {
        "hidden_act": "silu", "hidden_size": cfg["hidden"], "intermediate_size": cfg["intermediate"],
        "max_position_embeddings": 32768, "max_window_layers": cfg["layers"],
        "num_attention_heads": cfg["heads"], "num_hidden_layers": cfg["layers"],
        "num_key_value_heads": cfg["kv_heads"], "rms_norm_eps": cfg["rms_norm_eps"],
        "rope_theta": cfg["rope_theta"], "sliding_window": 32768, "use_sliding_window": False,
        "vocab_size": cfg["vocab"], "rope_scaling": rope,
    }
    config = {"architectures": ["Qwen2VLForConditionalGeneration"], "attention_dropout": 0.0,
              **special_ids(cfg["vocab"]), "initializer_range": 0.02, "model_type": "qwen2_vl",
              "tie_word_embeddings": False, "torch_dtype": "bfloat16", "transformers_version": "4.47.1",
              "use_cache": True, **text,
              "vision_config": {"depth": v["depth"], "embed_dim": v["embed_dim"], "mlp_ratio": v["mlp_ratio"],
                                "num_heads": v["num_heads"], "in_chans": 3, "in_channels": 3,
                                "hidden_size": cfg["hidden"], "hidden_act": v["hidden_act"], "patch_size": 14,
                                "spatial_merge_size": 2, "temporal_patch_size": 2, "model_type": "qwen2_vl"}}
    if cfg["names"] == "transformers-5":
        config["text_config"] = {"model_type": "qwen2_vl_text", **text}
    return config


def random_base_weights(cfg: dict, gen: torch.Generator) -> dict[str, torch.Tensor]:
    """Weights scaled so activations stay O(1) and attention is far from uniform.

    Upstream's 0.02 init would make the network nearly linear and the fixtures blind to
    attention masks, rotary tables and pooling details.
    """
    def normal(*shape, std=1.0):
        return torch.randn(*shape, generator=gen) * std

    def linear(prefix, out_f, in_f, bias=True, gain=1.0):
        w = {f"{prefix}.weight": normal(out_f, in_f, std=gain / in_f ** 0.5)}
        if bias:
            w[f"{prefix}.bias"] = normal(out_f, std=0.1)
        return w

    def norm(prefix, n, bias):
        w = {f"{prefix}.weight": 1.0 + normal(n, std=0.1)}
        if bias:
            w[f"{prefix}.bias"] = normal(n, std=0.05)
        return w

    H, V = cfg["hidden"], cfg["vocab"]
    head_dim = H // cfg["heads"]
    kv = cfg["kv_heads"] * head_dim
    E = cfg["vision"]["embed_dim"]
    mlp_v = int(E * cfg["vision"]["mlp_ratio"])
    w = {"model.embed_tokens.weight": normal(V, H), "lm_head.weight": normal(V, H, std=H ** -0.5)}
    for i in range(cfg["layers"]):
        p = f"model.layers.{i}"
        w |= norm(f"{p}.input_layernorm", H, False) | norm(f"{p}.post_attention_layernorm", H, False)
        w |= linear(f"{p}.self_attn.q_proj", H, H, gain=1.5) | linear(f"{p}.self_attn.k_proj", kv, H, gain=1.5)
        w |= linear(f"{p}.self_attn.v_proj", kv, H) | linear(f"{p}.self_attn.o_proj", H, H, bias=False, gain=0.7)
        w |= linear(f"{p}.mlp.gate_proj", cfg["intermediate"], H, bias=False)
        w |= linear(f"{p}.mlp.up_proj", cfg["intermediate"], H, bias=False)
        w |= linear(f"{p}.mlp.down_proj", H, cfg["intermediate"], bias=False, gain=0.7)
    w |= norm("model.norm", H, False)
    w["visual.patch_embed.proj.weight"] = normal(E, 3, 2, 14, 14, std=PATCH_DIM ** -0.5)
    for i in range(cfg["vision"]["depth"]):
        p = f"visual.blocks.{i}"
        w |= norm(f"{p}.norm1", E, True) | norm(f"{p}.norm2", E, True)
        w |= linear(f"{p}.attn.qkv", 3 * E, E, gain=1.5) | linear(f"{p}.attn.proj", E, E, gain=0.7)
        w |= linear(f"{p}.mlp.fc1", mlp_v, E) | linear(f"{p}.mlp.fc2", E, mlp_v, gain=0.7)
    w |= norm("visual.merger.ln_q", E, True)
    w |= linear("visual.merger.mlp.0", 4 * E, 4 * E) | linear("visual.merger.mlp.2", H, 4 * E)
    return {k: v.to(torch.bfloat16).contiguous() for k, v in w.items()}


def transformers5_name(name: str) -> str:
    if name.startswith("model."):
        return "model.language_model." + name[len("model."):]
    if name.startswith("visual."):
        return "model." + name
    return name  # lm_head.weight keeps its name


def save_sharded(weights: dict, folder: Path, shards: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    names = sorted(weights)
    per = -(-len(names) // shards)
    weight_map, total = {}, 0
    for s in range(shards):
        file = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
        part = {n: weights[n] for n in names[s * per:(s + 1) * per]}
        save_file(part, str(folder / file), metadata={"format": "pt"})
        for n, t in part.items():
            weight_map[n] = file
            total += t.numel() * t.element_size()
    (folder / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2) + "\n")


def lora_module_names(cfg: dict) -> list[str]:
    """Every nn.Linear a LoRA could target, with transformers 4.47 module paths."""
    names = []
    for i in range(cfg["layers"]):
        names += [f"model.layers.{i}.{t}" for t in LLM_TARGETS]
    for i in range(cfg["vision"]["depth"]):
        names += [f"visual.blocks.{i}.{t}" for t in VISION_TARGETS]
    return names


def peft_matches(targets, module: str) -> bool:
    """peft 0.13.2 check_target_module_exists for plain configs (no layers_to_transform)."""
    if isinstance(targets, str):
        return re.fullmatch(targets, module) is not None
    return module in targets or any(module.endswith("." + t) for t in targets)


def linear_shape(cfg: dict, module: str) -> tuple[int, int]:
    w = random_base_weights.shapes[cfg["name"]][module + ".weight"]
    return w[0], w[1]


def write_adapter(cfg: dict, spec: dict, folder: Path, gen: torch.Generator, with_head: bool) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    tensors, targets = {}, []
    for module in lora_module_names(cfg):
        if not peft_matches(spec["targets"], module):
            continue
        targets.append(module)
        out_f, in_f = linear_shape(cfg, module)
        prefix = f"base_model.model.{module}"
        tensors[f"{prefix}.lora_A.weight"] = torch.randn(spec["r"], in_f, generator=gen) / in_f ** 0.5
        tensors[f"{prefix}.lora_B.weight"] = torch.randn(out_f, spec["r"], generator=gen) * 0.3 / spec["r"] ** 0.5
    if with_head:
        H, M = cfg["hidden"], cfg["head_hidden"]
        tensors["base_model.model.mlp_head.linear_layer1.weight"] = torch.randn(M, H, generator=gen) / H ** 0.5
        tensors["base_model.model.mlp_head.linear_layer1.bias"] = torch.randn(M, generator=gen) * 0.1
        tensors["base_model.model.mlp_head.linear_layer2.weight"] = torch.randn(H, M, generator=gen) / M ** 0.5
        tensors["base_model.model.mlp_head.linear_layer2.bias"] = torch.randn(H, generator=gen) * 0.1
        tensors["base_model.model.temperature.temp"] = torch.tensor(0.07)
    save_file({k: v.float().contiguous() for k, v in tensors.items()},
              str(folder / "adapter_model.safetensors"), metadata={"format": "pt"})
    config = {
        "alpha_pattern": {}, "auto_mapping": None, "base_model_name_or_path": "Qwen/Qwen2-VL-7B-Instruct",
        "bias": "none", "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True,
        "layer_replication": None, "layers_pattern": None, "layers_to_transform": None, "loftq_config": {},
        "lora_alpha": spec["alpha"], "lora_dropout": 0.05, "megatron_config": None,
        "megatron_core": "megatron.core", "modules_to_save": ["temperature", "mlp_head"] if with_head else None,
        "peft_type": "LORA", "r": spec["r"], "rank_pattern": {}, "revision": None,
        "target_modules": spec["targets"], "task_type": None, "use_dora": False, "use_rslora": spec["rslora"],
    }
    (folder / "adapter_config.json").write_text(json.dumps(config, indent=2) + "\n")
    return targets


def make_cases(cfg: dict, gen: torch.Generator) -> list[dict]:
    """Token ids drawn below the special ids; id 0 appears on purpose (excluded from pooling)."""
    ids = special_ids(cfg["vocab"])
    plain_max = cfg["vocab"] - 16

    def text(n, zeros):
        t = torch.randint(1, plain_max, (n,), generator=gen)
        t[torch.randperm(n, generator=gen)[:zeros]] = 0
        return t.tolist()

    def with_image(image, before, after):
        _, h, w = IMAGES[image]
        pads = [ids["image_token_id"]] * (h * w // 4)
        return before + [ids["vision_start_token_id"]] + pads + [ids["vision_end_token_id"]] + after

    cases = []
    if "text" in cfg["cases"]:
        cases += [{"id": "text_short", "kind": "text", "input_ids": text(9, 1)},
                  {"id": "text_long", "kind": "text", "input_ids": text(37, 4)},
                  {"id": "text_single_token", "kind": "text", "input_ids": text(1, 0)}]
    if "image" in cfg["cases"]:
        cases += [{"id": "image_8x12", "kind": "image", "image": "grid_8x12",
                   "input_ids": with_image("grid_8x12", text(6, 1), text(5, 0))},
                  {"id": "image_12x8", "kind": "image", "image": "grid_12x8",
                   "input_ids": with_image("grid_12x8", text(6, 0), text(5, 1))},
                  {"id": "image_16x14", "kind": "image", "image": "grid_16x14",
                   "input_ids": with_image("grid_16x14", text(4, 0), text(7, 2))},
                  {"id": "image_4x4", "kind": "image", "image": "grid_4x4",
                   "input_ids": with_image("grid_4x4", text(3, 0), text(3, 0))}]
    if "inst" in cfg["cases"]:
        cases += [{"id": "inst_8x12_a", "kind": "image+instruction", "image": "grid_8x12",
                   "input_ids": with_image("grid_8x12", text(6, 1), text(12, 1))},
                  {"id": "inst_8x12_b", "kind": "image+instruction", "image": "grid_8x12",
                   "input_ids": with_image("grid_8x12", text(6, 1), text(9, 0))},
                  {"id": "inst_6x10", "kind": "image+instruction", "image": "grid_6x10",
                   "input_ids": with_image("grid_6x10", text(5, 0), text(10, 2))}]
    for case in cases:
        case.setdefault("image", None)
        if case["image"]:
            case["grid_thw"] = IMAGES[case["image"]]
        case["num_id0_tokens"] = case["input_ids"].count(0)
    return cases


def sensitivity(ref, case, pixels) -> dict:
    """How far typical mistakes move this configuration's vectors, to show the goldens bite."""
    pv = pixels[case["image"]] if case["image"] else None
    grid = case.get("grid_thw")
    inst = case["kind"] == "image+instruction"
    good = ref.embed(case["input_ids"], pv, grid, inst)
    out = {"case": case["id"]}
    saved = abc_reference.qwen2_vl.Qwen2VLModel._update_causal_mask
    abc_reference.qwen2_vl.Qwen2VLModel._update_causal_mask = ORIGINAL_UPDATE_CAUSAL_MASK
    try:
        out["causal_attention"] = float((ref.embed(case["input_ids"], pv, grid, inst) - good).abs().max())
    finally:
        abc_reference.qwen2_vl.Qwen2VLModel._update_causal_mask = saved
    for name, original in ref.rotary_buffers.items():
        ref.model.get_submodule(name.rsplit(".", 1)[0]).inv_freq = original
    rot = ref.embed(case["input_ids"], pv, grid, inst)
    abc_reference.round_rotary_buffers_to_bf16(ref.model)
    out["float32_rotary_tables"] = float((rot - good).abs().max())
    if pv is not None:
        out["mrope_instead_of_sequential"] = float(
            (ref.embed(case["input_ids"], pv, grid, inst, "mrope") - good).abs().max())
    if inst:
        out["instruct_adapter_off"] = float((ref.embed(case["input_ids"], pv, grid, False) - good).abs().max())
    return out


ORIGINAL_UPDATE_CAUSAL_MASK = abc_reference.qwen2_vl.Qwen2VLModel._update_causal_mask
STAGES = ("vision_patch_embed", "vision_out", "inputs_embeds", "last_hidden_state", "pooled", "embedding")


def run_cases(ref, cases, probe, pixels) -> dict:
    """Every case in both position modes, and the probe case's intermediates, in ref's dtype."""
    out = {"cases": {}, "stages": None}
    for case in cases:
        pv = pixels[case["image"]] if case["image"] else None
        inst = case["kind"] == "image+instruction"
        got = {"embedding": ref.embed(case["input_ids"], pv, case.get("grid_thw"), inst).tolist()}
        if pv is not None:
            mrope = ref.embed(case["input_ids"], pv, case["grid_thw"], inst, "mrope", intermediates=True)
            got["embedding_mrope"] = mrope["embedding"].tolist()
            got["position_ids_mrope"] = mrope["position_ids"].tolist()
        out["cases"][case["id"]] = got
    out["stages"] = ref.embed(probe["input_ids"], pixels[probe["image"]], probe["grid_thw"],
                              probe["kind"] == "image+instruction", intermediates=True)
    return out


def float32_noise(f32: dict, f64: dict) -> dict:
    """How far the same upstream code lands from the float64 goldens when it runs in float32."""
    worst = {"embedding": 0.0, "embedding_mrope": 0.0}
    for case_id, want in f64["cases"].items():
        for key in worst:
            if key in want:
                d = (torch.tensor(f32["cases"][case_id][key], dtype=torch.float64)
                     - torch.tensor(want[key], dtype=torch.float64)).abs().max()
                worst[key] = max(worst[key], float(d))
    stages = {}
    for stage in STAGES:
        a, b = f32["stages"][stage].double(), f64["stages"][stage].double()
        stages[stage] = float((a - b).abs().max() / b.abs().max())
    return {"about": "the float32 run of this reference against these float64 goldens",
            "embedding_max_abs_diff": worst["embedding"],
            "embedding_mrope_max_abs_diff": worst["embedding_mrope"],
            "intermediates_relative_max_abs_diff": stages}


def build(cfg: dict, out: Path, pixels: dict, seed: int) -> dict:
    gen = torch.Generator().manual_seed(seed)
    weights = random_base_weights(cfg, gen)
    random_base_weights.shapes[cfg["name"]] = {k: tuple(v.shape) for k, v in weights.items()}
    folder = out / cfg["name"]
    if folder.exists():
        shutil.rmtree(folder)
    config = base_config(cfg)
    pre_targets = write_adapter(cfg, cfg["pretrain"], folder / "ABC-Pretrain", gen, with_head=True)
    inst_targets = []
    if cfg["instruct"]:
        inst_targets = write_adapter(cfg, cfg["instruct"], folder / "ABC-Instruct", gen, with_head=False)
    cases = make_cases(cfg, gen)

    with tempfile.TemporaryDirectory() as tmp:
        # The reference loads what transformers 4.47.1 can read: 4.x names.
        base4 = Path(tmp) / "Qwen2-VL"
        save_sharded(weights, base4, cfg["shards"])
        # 4.47.1 cannot read a text_config block; its values equal the top-level ones.
        config4 = {k: v for k, v in config.items() if k != "text_config"}
        (base4 / "config.json").write_text(json.dumps(config4, indent=2) + "\n")
        if cfg["names"] == "transformers-5":
            save_sharded({transformers5_name(k): v for k, v in weights.items()}, folder / "Qwen2-VL", cfg["shards"])
            (folder / "Qwen2-VL" / "config.json").write_text(json.dumps(config, indent=2) + "\n")
        else:
            shutil.copytree(base4, folder / "Qwen2-VL")
        ref = abc_reference.AbcReference(base4, folder / "ABC-Pretrain",
                                         folder / "ABC-Instruct" if cfg["instruct"] else None)
        probe = next(c for c in cases if c["kind"] == ("image+instruction" if cfg["instruct"] else "image"))
        float32_run = run_cases(ref, cases, probe, pixels)
        to_float64(ref)
        with KeepFloat64():
            float64_run = run_cases(ref, cases, probe, pixels)
            sens = sensitivity(ref, probe, pixels)
        for case in cases:
            case.update(float64_run["cases"][case["id"]])
        stages = float64_run["stages"]
        save_file({k: (v.float() if v.is_floating_point() else v).contiguous() for k, v in stages.items()} |
                  {"input_ids": torch.tensor(probe["input_ids"], dtype=torch.int64)},
                  str(folder / "intermediates.safetensors"), metadata={"format": "pt"})
        noise = float32_noise(float32_run, float64_run)

    goldens = {
        "format": FORMAT, "config": cfg["name"], "about": cfg["about"],
        "base": "Qwen2-VL", "pretrain_adapter": "ABC-Pretrain",
        "instruct_adapter": "ABC-Instruct" if cfg["instruct"] else None,
        "checkpoint_names": cfg["names"], "pixel_values": "../pixel_values.safetensors",
        "dtype": "float64", "pretrain_lora_targets": pre_targets, "instruct_lora_targets": inst_targets,
        "intermediates": {"file": "intermediates.safetensors", "case": probe["id"]},
        "tolerance": {"embedding_max_abs_diff": 1e-5},
        "float32_reference": noise,
        "sensitivity_max_abs_diff": sens,
        "cases": cases,
    }
    (folder / "goldens.json").write_text(json.dumps(goldens, indent=1) + "\n")
    return {"config": cfg["name"], "about": cfg["about"], "cases": len(cases), "sensitivity": sens,
            "float32_reference": noise}


random_base_weights.shapes = {}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parents[2] / "tests/data/engine")
    args = parser.parse_args(argv)
    torch.set_grad_enabled(False)
    args.out.mkdir(parents=True, exist_ok=True)
    gen = torch.Generator().manual_seed(20250301)
    # Normalised CLIP pixels lie roughly in [-1.8, 2.2]; unit normals are a fair stand-in.
    pixels = {name: torch.randn(t * h * w, PATCH_DIM, generator=gen) for name, (t, h, w) in IMAGES.items()}
    # One metadata key only: safetensors writes a metadata map in no fixed order.
    save_file(pixels, str(args.out / "pixel_values.safetensors"), metadata={"format": "pt"})
    summary = [build(cfg, args.out, pixels, seed=1000 + i) for i, cfg in enumerate(CONFIGS)]
    index = {"format": FORMAT, "generator": "tools/reference/make_engine_fixtures.py",
             "pixel_values": "pixel_values.safetensors", "images": IMAGES,
             "configs": [s["config"] for s in summary]}
    (args.out / "index.json").write_text(json.dumps(index, indent=2) + "\n")
    for s in summary:
        print(json.dumps(s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
