"""ABC's runtime embedding computation, rebuilt from the real upstream classes.

This is the project's second, independent float32 reference for the C++ engine. It does not
re-derive the maths: it instantiates transformers 4.47.1 `Qwen2VLForConditionalGeneration` and
peft 0.13.2 `PeftModel` exactly as ABC's `functional/embed_function.py` does and changes only
what ABC's runtime changes, each change explained where it is made:

* bidirectional attention (ABC swaps in attention classes with `is_causal=False` and runs
  flash_attention_2, whose mask preparation returns no mask for an unpadded batch);
* positions: ABC's forward computes M-RoPE only while `rope_deltas` is None, i.e. on its first
  call; every later call uses 0..L-1 in all three rows ("sequential", the default here);
* rotary buffers in bf16 (ABC's `model.to(torch.bfloat16)` casts the non-persistent `inv_freq`
  buffers too), while every weight and every activation stays float32;
* the pretrain adapter merged in float32 (`merge_and_unload`), the instruct adapter loaded
  unmerged and enabled only for image+instruction requests;
* ABC's mean pooling (token id 0 excluded from the sum, division by the full length), its MLP
  head `x + W2 SELU(W1 x + b1) + b2` and L2 normalisation.

Run `python abc_reference.py check-shared` to compare against ../shared/reference goldens.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from contextlib import nullcontext
from pathlib import Path

import PIL
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

import transformers.models.qwen2_vl.modeling_qwen2_vl as qwen2_vl
from peft import PeftModel
from safetensors import safe_open
from transformers import Qwen2VLConfig, Qwen2VLForConditionalGeneration, Qwen2VLImageProcessor

# ABC's processor overrides (functional/embed_function.py): 256..1024 merged tokens per image.
STAGE2_MIN_PIXELS = 256 * 28 * 28
STAGE2_MAX_PIXELS = 1024 * 28 * 28
# ABC's vendored qwen/vision_process.py defaults (4 .. 16384 tokens of 28x28).
STAGE1_MIN_PIXELS = 4 * 28 * 28
STAGE1_MAX_PIXELS = 16384 * 28 * 28
RESIZE_FACTOR = 28
MAX_ASPECT_RATIO = 200

POOLING_EXCLUDED_ID = 0  # ABC passes padding_token_id=0, which is "!" in Qwen2's vocabulary


# --------------------------------------------------------------------------- ABC's modules


class AbcMlpHead(nn.Module):
    """ABC's residual projection head; attribute names match the adapter's modules_to_save."""

    def __init__(self, embed_size: int, hidden_size: int):
        super().__init__()
        self.linear_layer1 = nn.Linear(embed_size, hidden_size, dtype=torch.float32)
        self.linear_layer2 = nn.Linear(hidden_size, embed_size, dtype=torch.float32)
        self.act = nn.SELU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.linear_layer2(self.act(self.linear_layer1(x)))


class AbcTemperature(nn.Module):
    """Only present so that the adapter's `temperature.temp` has a module to load into."""

    def __init__(self):
        super().__init__()
        self.temp = nn.Parameter(torch.tensor(0.07, dtype=torch.float32))


class SkipLogits(nn.Module):
    """ABC's monkey patch skips the lm_head projection; the embedding never needs logits."""

    def forward(self, hidden_states: torch.Tensor) -> None:
        return None


class AbcQwen2VL(Qwen2VLForConditionalGeneration):
    """Qwen2-VL plus ABC's head and temperature (ABC's `ABCqwen2VL`, without its training loss).

    The head width is 4096 in ABC's code; it is read from the adapter file instead so that
    small fixtures can use other sizes (`config.abc_mlp_head_hidden`).
    """

    def __init__(self, config):
        super().__init__(config)
        self.mlp_head = AbcMlpHead(config.hidden_size, getattr(config, "abc_mlp_head_hidden", 4096))
        self.temperature = AbcTemperature()


# --------------------------------------------------------------------------- ABC's patches


def _bidirectional(cls):
    class Bidirectional(cls):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.is_causal = False

    Bidirectional.__name__ = "Bidirectional" + cls.__name__
    return Bidirectional


def _mask_like_flash_attention_2(self, attention_mask, input_tensor, cache_position, past_key_values,
                                 output_attentions):
    # ABC runs flash_attention_2, whose branch of Qwen2VLModel._update_causal_mask returns the 2-D
    # mask only when it contains padding and None otherwise; with is_causal=False FA2 then attends
    # everywhere. The eager classes would instead turn the all-ones mask into a causal one, so the
    # FA2 branch is reproduced here and the eager attention gets no mask at all.
    if attention_mask is not None and bool((attention_mask == 0).any()):
        raise ValueError("padded batches are not part of the reference (ABC's batched path differs)")
    return None


def install_abc_runtime_patches() -> None:
    """What ABC's monkey_patch/qwen_attn_patch.py changes, for the eager implementation."""
    if getattr(qwen2_vl, "_abc_reference_patched", False):
        return
    qwen2_vl.QWEN2_VL_ATTENTION_CLASSES = {
        name: _bidirectional(cls) for name, cls in qwen2_vl.QWEN2_VL_ATTENTION_CLASSES.items()
    }
    qwen2_vl.Qwen2VLModel._update_causal_mask = _mask_like_flash_attention_2
    qwen2_vl._abc_reference_patched = True


def round_rotary_buffers_to_bf16(model: nn.Module) -> dict[str, torch.Tensor]:
    """Cast the rotary `inv_freq` buffers to bf16 as ABC's `model.to(torch.bfloat16)` does.

    Weights stay float32. The upstream rotary code then builds its tables from the bf16 buffer:
    the vision table entirely in bf16 (`arange(dtype=inv_freq.dtype)`, `outer`, `.cos()`), the
    text table in float32 from the upcast buffer. Returns {buffer name: its float32 value}.
    """
    cast = {}
    for module_name, module in model.named_modules():
        for buffer_name, buffer in list(module.named_buffers(recurse=False)):
            if not buffer.is_floating_point():
                continue
            if buffer_name != "inv_freq":
                raise RuntimeError(f"unexpected floating buffer {module_name}.{buffer_name}")
            cast[f"{module_name}.{buffer_name}"] = buffer
            setattr(module, buffer_name, buffer.to(torch.bfloat16))
    return cast


# --------------------------------------------------------------------------- loading


def _check_lora_loaded(peft_model, adapter: str, folder) -> list[str]:
    """The adapted modules must be exactly those with A/B tensors in the file (nothing silent)."""
    with safe_open(str(Path(folder) / "adapter_model.safetensors"), "pt") as f:
        in_file = sorted(k[len("base_model.model."):-len(".lora_A.weight")]
                         for k in f.keys() if k.endswith(".lora_A.weight"))
        adapted = sorted(name[len("base_model.model."):] for name, m in peft_model.named_modules()
                         if hasattr(m, "lora_A") and adapter in m.lora_A)
        if adapted != in_file:
            raise RuntimeError(f"{folder}: target_modules select {adapted}, the file has {in_file}")
        for name in adapted:
            module = peft_model.get_submodule("base_model.model." + name)
            for part in ("lora_A", "lora_B"):
                want = f.get_tensor(f"base_model.model.{name}.{part}.weight")
                if not torch.equal(getattr(module, part)[adapter].weight, want):
                    raise RuntimeError(f"{folder}: {name}.{part} was not loaded")
    return adapted


class AbcReference:
    """The three checkpoints loaded the way ABC's get_model() loads them, in float32."""

    def __init__(self, base_dir, pretrain_dir, instruct_dir=None):
        install_abc_runtime_patches()
        base_dir, pretrain_dir = Path(base_dir), Path(pretrain_dir)
        with safe_open(str(pretrain_dir / "adapter_model.safetensors"), "pt") as f:
            head_hidden = f.get_slice("base_model.model.mlp_head.linear_layer1.weight").get_shape()[0]
        config = Qwen2VLConfig.from_pretrained(base_dir)
        config.abc_mlp_head_hidden = head_hidden
        base = AbcQwen2VL.from_pretrained(
            base_dir, config=config, torch_dtype=torch.float32, attn_implementation="eager"
        )
        base.lm_head = SkipLogits()
        pretrain = PeftModel.from_pretrained(base, str(pretrain_dir))
        self.pretrain_targets = _check_lora_loaded(pretrain, "default", pretrain_dir)
        merged = pretrain.merge_and_unload()
        if instruct_dir is not None:
            self.peft = PeftModel.from_pretrained(merged, str(instruct_dir), adapter_name="instruct")
            self.instruct_targets = _check_lora_loaded(self.peft, "instruct", instruct_dir)
            self.model = self.peft.get_base_model()
        else:
            self.peft = None
            self.model = merged
        self.model.eval()
        self.rotary_buffers = round_rotary_buffers_to_bf16(self.model)
        self.config = self.model.config
        for p in self.model.parameters():
            if p.dtype != torch.float32:
                raise RuntimeError("a weight is not float32")

    @torch.no_grad()
    def embed(self, input_ids, pixel_values=None, grid_thw=None, instruct=False,
              positions="sequential", intermediates=False):
        """One request (batch 1, no padding). Returns the embedding (H,) or a dict with stages."""
        if instruct and self.peft is None:
            raise ValueError("image+instruction needs the instruct adapter")
        input_ids = torch.as_tensor(input_ids, dtype=torch.long).view(1, -1)
        inputs = {"input_ids": input_ids, "attention_mask": torch.ones_like(input_ids)}
        if pixel_values is not None:
            inputs["pixel_values"] = torch.as_tensor(pixel_values, dtype=torch.float32)
            inputs["image_grid_thw"] = torch.as_tensor(grid_thw, dtype=torch.long).view(-1, 3)

        # ABC's forward runs get_rope_index only while rope_deltas is None (its first call);
        # afterwards, with no cache_position, it falls back to arange(L) in all three rows.
        if positions == "sequential":
            self.model.rope_deltas = torch.zeros(1, 1, dtype=torch.long)
        elif positions == "mrope":
            self.model.rope_deltas = None
        else:
            raise ValueError(f"positions must be sequential or mrope, not {positions}")

        captured = {}
        hooks = []
        if intermediates:
            hooks.append(self.model.visual.patch_embed.register_forward_hook(
                lambda m, a, out: captured.__setitem__("vision_patch_embed", out.clone())))
            hooks.append(self.model.visual.register_forward_hook(
                lambda m, a, out: captured.__setitem__("vision_out", out.clone())))
            hooks.append(self.model.model.register_forward_pre_hook(
                lambda m, a, kw: captured.update(inputs_embeds=kw["inputs_embeds"][0].clone(),
                                                 position_ids=kw["position_ids"][:, 0].clone()),
                with_kwargs=True))
        switch = nullcontext() if (instruct or self.peft is None) else self.peft.disable_adapter()
        try:
            with switch:
                out = self.model(**inputs, output_hidden_states=True, return_dict=True)
        finally:
            for h in hooks:
                h.remove()
        last_hidden = out.hidden_states[-1]  # after the final norm: ABC's hidden_states[-1]

        # ABC's get_mean_token_embed(input_ids, h, padding_token_id=0): zero the id-0 rows, then
        # torch.mean over the whole sequence, so the divisor is the full length L.
        keep = (input_ids != POOLING_EXCLUDED_ID).unsqueeze(-1)
        pooled = torch.mean(keep * last_hidden, dim=1)
        projected = self.model.mlp_head(pooled).float()
        embedding = F.normalize(projected, dim=-1)[0]
        if not intermediates:
            return embedding
        captured.update(last_hidden_state=last_hidden[0], pooled=pooled[0], embedding=embedding)
        return captured


# --------------------------------------------------------------------------- images


def smart_resize(height: int, width: int, min_pixels: int, max_pixels: int,
                 factor: int = RESIZE_FACTOR) -> tuple[int, int]:
    """Qwen2-VL's size rule, shared by both resize stages (Python round: ties to even)."""
    if max(height, width) / min(height, width) > MAX_ASPECT_RATIO:
        raise ValueError(f"aspect ratio above {MAX_ASPECT_RATIO}: {width}x{height}")
    h = max(factor, round(height / factor) * factor)
    w = max(factor, round(width / factor) * factor)
    if h * w > max_pixels:
        beta = math.sqrt(height * width / max_pixels)
        h = math.floor(height / beta / factor) * factor
        w = math.floor(width / beta / factor) * factor
    elif h * w < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h = math.ceil(height * beta / factor) * factor
        w = math.ceil(width * beta / factor) * factor
    return h, w


def stage1_image(path) -> Image.Image:
    """ABC's vendored fetch_image: convert("RGB") (alpha dropped, not composited), then resize.

    qwen-vl-utils 0.0.14 composites RGBA over white instead (and imports torchvision); the shared
    goldens' rgba_300x200 pixel hash confirms the plain conversion, so it is not used here.
    """
    image = Image.open(path).convert("RGB")
    h, w = smart_resize(image.height, image.width, STAGE1_MIN_PIXELS, STAGE1_MAX_PIXELS)
    return image.resize((w, h))


_IMAGE_PROCESSOR = None


def image_processor() -> Qwen2VLImageProcessor:
    """The slow Qwen2VLImageProcessor with ABC's min/max pixel overrides (CLIP mean/std)."""
    global _IMAGE_PROCESSOR
    if _IMAGE_PROCESSOR is None:
        _IMAGE_PROCESSOR = Qwen2VLImageProcessor(min_pixels=STAGE2_MIN_PIXELS,
                                                 max_pixels=STAGE2_MAX_PIXELS)
    return _IMAGE_PROCESSOR


def pixels_for_image(path) -> tuple[torch.Tensor, list[int]]:
    """(N, 1176) float32 patches and [t, h, w] for one image file, as ABC's processor makes them."""
    batch = image_processor()(images=[stage1_image(path)], return_tensors="pt")
    return batch["pixel_values"].to(torch.float32), batch["image_grid_thw"][0].tolist()


# --------------------------------------------------------------------------- shared goldens


def check_shared(reference_dir: Path) -> int:
    goldens = json.loads((reference_dir / "goldens/embeddings.json").read_text())
    preprocess = json.loads((reference_dir / "goldens/preprocess.json").read_text())
    pixel_sha = {e["image"]: e["pixel_values_f32le_sha256"] for e in preprocess["images"]}
    tiny = reference_dir / "tiny-abc"
    ref = AbcReference(tiny / "Qwen2-VL", tiny / "ABC-Pretrain", tiny / "ABC-Instruct")
    print("rotary buffers cast to bf16:", ", ".join(ref.rotary_buffers))
    pillow_major = int(PIL.__version__.split(".")[0])
    if pillow_major >= 13:
        print(f"note: Pillow {PIL.__version__} resamples differently from the Pillow the goldens "
              "were made with (<= 12); some images will not be pixel-exact (see README.md)")

    # With a causal mask the first token could not see a change in the last one.
    probe = [9707, 11, 1879, 0, 151645]
    first = [ref.embed(ids, intermediates=True)["last_hidden_state"][0] for ids in (probe, probe[:-1] + [30])]
    print(f"bidirectional attention: first-token state moves by {float((first[0] - first[1]).abs().max()):.3f} "
          "when only the last token changes")

    pixels = {}
    worst = {"embedding": 0.0, "embedding_mrope": 0.0}
    failures = 0
    for case in goldens["cases"]:
        pv = grid = None
        if case["image"]:
            name = case["image"]
            if name not in pixels:
                pv, grid = pixels_for_image(reference_dir / "images" / name)
                sha = hashlib.sha256(pv.numpy().astype("<f4").tobytes()).hexdigest()
                pixels[name] = (pv, grid, sha == pixel_sha[name])
            pv, grid, pixels_exact = pixels[name]
            if grid != case["grid_thw"]:
                raise RuntimeError(f"{case['id']}: grid {grid} != {case['grid_thw']}")
        line = [case["id"]]
        for key, mode in (("embedding", "sequential"), ("embedding_mrope", "mrope")):
            if key not in case:
                continue
            got = ref.embed(case["input_ids"], pv, grid, case["kind"] == "image+instruction", mode)
            diff = float((got - torch.tensor(case[key])).abs().max())
            worst[key] = max(worst[key], diff)
            failures += diff > 1e-5
            line.append(f"{key} {diff:.2e}")
        if case["image"]:
            line.append("pixels bit-exact" if pixels[case["image"]][2] else "pixels DIFFER")
        print("  ".join(line))

    inter = safe_open(str(reference_dir / "goldens/intermediates.safetensors"), "pt")
    names = sorted({k.split("/")[0] for k in inter.keys()})
    for case_id in names:
        case = next(c for c in goldens["cases"] if c["id"] == case_id)
        pv = grid = None
        if case["image"]:
            pv, grid, _ = pixels[case["image"]]
        got = ref.embed(case["input_ids"], pv, grid, case["kind"] == "image+instruction",
                        "sequential", intermediates=True)
        parts = []
        for stage in ("vision_patch_embed", "vision_out", "inputs_embeds", "last_hidden_state",
                      "pooled", "embedding", "position_ids"):
            key = f"{case_id}/{stage}"
            if key not in inter.keys():
                continue
            want = inter.get_tensor(key)
            have = got[stage]
            rel = float((have.double() - want.double()).abs().max() / want.double().abs().max())
            parts.append(f"{stage} rel {rel:.1e}")
        print(f"{case_id}: " + ", ".join(parts))
    print(f"max|diff| embedding {worst['embedding']:.3e}, embedding_mrope {worst['embedding_mrope']:.3e}")
    return 1 if failures else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check-shared", help="compare with the shared reference goldens")
    check.add_argument("--reference", type=Path,
                       default=Path(__file__).resolve().parents[3] / "shared/reference")
    embed = sub.add_parser("embed", help="embed cases given as input_ids (+ image file)")
    embed.add_argument("--base", required=True)
    embed.add_argument("--pretrain-adapter", required=True)
    embed.add_argument("--instruct-adapter")
    embed.add_argument("--cases", required=True, type=Path,
                       help='JSON list of {"id", "kind", "input_ids", "image"}')
    embed.add_argument("--positions", choices=("sequential", "mrope"), default="sequential")
    embed.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    torch.set_grad_enabled(False)
    if args.command == "check-shared":
        return check_shared(args.reference)
    ref = AbcReference(args.base, args.pretrain_adapter, args.instruct_adapter)
    results = []
    for case in json.loads(args.cases.read_text()):
        pv = grid = None
        if case.get("image"):
            pv, grid = pixels_for_image(args.cases.parent / case["image"])
        emb = ref.embed(case["input_ids"], pv, grid, case["kind"] == "image+instruction",
                        args.positions)
        results.append({"id": case["id"], "embedding": emb.tolist()})
    args.out.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
