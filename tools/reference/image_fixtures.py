"""Generate the image front-end fixtures in tests/data/image/ with live Pillow, qwen-vl-utils
and transformers' Qwen2VLImageProcessor (the code ABC runs).

    tools/reference/.venv/bin/python tools/reference/image_fixtures.py

Writes tests/data/image/fixtures/*.{png,jpg,webp,tif,bmp} (small generated images of random
sizes and modes, fixed seed) and tests/data/image/fixtures.json with, per image, the sizes
after each stage, grid_thw and SHA-256 of the decoded/stage-1/stage-2 RGB and of the
float32 pixel values, or the error ABC's code raises. tests/test_image_fixtures.cpp checks the
C++ front-end against every entry.
"""
import hashlib
import io
import json
import math
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps
# transformers first: it probes installed packages at import, before any stand-in below.
from transformers import Qwen2VLImageProcessor
from transformers.models.qwen2_vl.image_processing_qwen2_vl import smart_resize as hf_smart_resize

def _import_qwen_smart_resize():
    """qwen-vl-utils imports torchvision at module level for its video path; smart_resize does
    not use it, so stand-in modules are enough when torchvision is not installed."""
    import sys
    import types
    try:
        import torchvision  # noqa: F401
    except ImportError:
        import importlib.machinery
        tv = types.ModuleType("torchvision")
        tv.__spec__ = importlib.machinery.ModuleSpec("torchvision", None)
        tv.io = types.ModuleType("torchvision.io")
        tv.transforms = types.ModuleType("torchvision.transforms")
        tv.transforms.InterpolationMode = None
        sys.modules.update({"torchvision": tv, "torchvision.io": tv.io,
                            "torchvision.transforms": tv.transforms})
    from qwen_vl_utils import smart_resize
    return smart_resize


qwen_smart_resize = _import_qwen_smart_resize()

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "data" / "image"
FIX = OUT / "fixtures"
SEED = 20240611
DEFAULT_MIN, DEFAULT_MAX = 256 * 28 * 28, 1024 * 28 * 28


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def rgb_bytes(im: Image.Image) -> bytes:
    return np.ascontiguousarray(np.asarray(im.convert("RGB"), dtype=np.uint8)).tobytes()


def content(rng, w, h, channels):
    """Blocky random colours over a gradient: compresses well, still has edges to resample."""
    block = int(rng.integers(1, 9))
    small = rng.integers(0, 256, size=(max(1, h // block + 1), max(1, w // block + 1), channels))
    big = np.repeat(np.repeat(small, block, axis=0), block, axis=1)[:h, :w]
    gy = np.linspace(0, 1, h)[:, None, None]
    gx = np.linspace(0, 1, w)[None, :, None]
    grad = (gy * 120 + gx * 120) * rng.random(channels)
    return np.clip(big * 0.6 + grad, 0, 255).astype(np.uint8)


def png_rgb16(arr16: np.ndarray) -> bytes:
    """A 16-bit RGB PNG (Pillow cannot write one)."""
    h, w, _ = arr16.shape
    raw = b"".join(b"\x00" + arr16[y].astype(">u2").tobytes() for y in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def make_image(rng, kind, w, h):
    """Returns (file bytes, extension)."""
    buf = io.BytesIO()
    if kind == "RGB":
        Image.fromarray(content(rng, w, h, 3), "RGB").save(buf, "PNG")
    elif kind == "RGBA":
        arr = np.concatenate([content(rng, w, h, 3), rng.integers(0, 2, (h, w, 1), dtype=np.uint8) * 255], 2)
        arr[..., 3] = np.where(rng.random((h, w)) < 0.3, 0, arr[..., 3])
        Image.fromarray(arr, "RGBA").save(buf, "PNG")
    elif kind == "LA":
        arr = np.concatenate([content(rng, w, h, 1), content(rng, w, h, 1)], 2)
        Image.fromarray(arr, "LA").save(buf, "PNG")
    elif kind == "L":
        Image.fromarray(content(rng, w, h, 1)[..., 0], "L").save(buf, "PNG")
    elif kind == "1":
        Image.fromarray(content(rng, w, h, 1)[..., 0] > 128).convert("1").save(buf, "PNG")
    elif kind == "P":
        im = Image.fromarray(content(rng, w, h, 3), "RGB").quantize(int(rng.integers(2, 256)))
        if rng.random() < 0.5:
            im.info["transparency"] = 0
            im.save(buf, "PNG", transparency=0)
        else:
            im.save(buf, "PNG")
    elif kind == "I;16":
        arr = (content(rng, w, h, 1)[..., 0].astype(np.uint16) * int(rng.integers(1, 300)))
        Image.fromarray(arr.astype(np.uint16)).save(buf, "PNG")
    elif kind == "RGB;16":
        base = content(rng, w, h, 3).astype(np.uint16)
        arr = base * 256 + (base * 37) % 256  # low bytes vary but compress
        return png_rgb16(arr), "png"
    elif kind == "CMYK":
        Image.fromarray(content(rng, w, h, 4), "CMYK").save(buf, "JPEG", quality=int(rng.integers(60, 100)))
        return buf.getvalue(), "jpg"
    elif kind == "CMYK-TIFF":
        Image.fromarray(content(rng, w, h, 4), "CMYK").save(buf, "TIFF", compression="tiff_deflate")
        return buf.getvalue(), "tif"
    elif kind == "JPEG":
        sub = int(rng.integers(0, 3))  # 4:4:4, 4:2:2, 4:2:0
        Image.fromarray(content(rng, w, h, 3), "RGB").save(
            buf, "JPEG", quality=int(rng.integers(50, 100)), subsampling=sub,
            progressive=bool(rng.random() < 0.3))
        return buf.getvalue(), "jpg"
    elif kind == "JPEG-L":
        Image.fromarray(content(rng, w, h, 1)[..., 0], "L").save(buf, "JPEG", quality=85)
        return buf.getvalue(), "jpg"
    elif kind == "WEBP":
        Image.fromarray(content(rng, w, h, 3), "RGB").save(buf, "WEBP", lossless=True)
        return buf.getvalue(), "webp"
    elif kind == "TIFF":
        Image.fromarray(content(rng, w, h, 3), "RGB").save(buf, "TIFF", compression="tiff_deflate")
        return buf.getvalue(), "tif"
    elif kind == "BMP":
        Image.fromarray(content(rng, w, h, 3), "RGB").save(buf, "BMP")
        return buf.getvalue(), "bmp"
    else:
        raise ValueError(kind)
    return buf.getvalue(), "png"


def expected(data: bytes, min_pixels: int, max_pixels: int, apply_orientation: bool):
    im = Image.open(io.BytesIO(data))
    entry = {"pil_mode": im.mode, "format": im.format}
    if apply_orientation:
        im = ImageOps.exif_transpose(im)
    rgb = im.convert("RGB")
    w, h = rgb.size
    entry["original"] = [w, h]
    entry["decoded_rgb_sha256"] = sha(rgb_bytes(rgb))
    try:  # ABC's fetch_image
        h1, w1 = qwen_smart_resize(h, w, factor=28, min_pixels=4 * 28 * 28, max_pixels=16384 * 28 * 28)
    except ValueError as e:
        entry["error"] = "stage1: " + str(e)
        return entry
    stage1 = rgb.resize((w1, h1))
    entry["stage1"] = [w1, h1]
    entry["stage1_rgb_sha256"] = sha(rgb_bytes(stage1))
    try:
        h2, w2 = hf_smart_resize(h1, w1, factor=28, min_pixels=min_pixels, max_pixels=max_pixels)
        processor = Qwen2VLImageProcessor(min_pixels=min_pixels, max_pixels=max_pixels)
        out = processor(images=stage1, return_tensors="np")
    except ValueError as e:
        entry["error"] = "stage2: " + str(e)
        return entry
    stage2 = stage1.resize((w2, h2), Image.BICUBIC)
    pv = np.ascontiguousarray(out["pixel_values"], dtype="<f4")
    entry["resized"] = [w2, h2]
    entry["stage2_rgb_sha256"] = sha(rgb_bytes(stage2))
    entry["grid_thw"] = [int(v) for v in out["image_grid_thw"][0]]
    entry["pixel_values_shape"] = list(pv.shape)
    entry["pixel_values_f32le_sha256"] = sha(pv.tobytes())
    return entry


def main():
    rng = np.random.default_rng(SEED)
    FIX.mkdir(parents=True, exist_ok=True)
    for old in FIX.iterdir():
        old.unlink()
    kinds = ["RGB", "RGBA", "LA", "L", "1", "P", "I;16", "RGB;16", "CMYK", "CMYK-TIFF", "JPEG",
             "JPEG-L", "WEBP", "TIFF", "BMP"]
    specs = [("RGB", 1, 1), ("RGB", 28, 28), ("L", 1, 5000), ("RGB", 5000, 1), ("JPEG", 1, 1),
             ("RGBA", 27, 29), ("P", 3, 600), ("JPEG", 4000, 21), ("RGB", 200, 1), ("RGB", 201, 1),
             ("RGB", 30, 6000), ("RGB", 13, 2600), ("I;16", 28, 28), ("CMYK", 28, 28),
             ("RGB", 462, 350), ("RGB", 350, 462)]
    while len(specs) < 230:
        kind = kinds[len(specs) % len(kinds)]
        if rng.random() < 0.15:
            w, h = int(rng.integers(1, 40)), int(rng.integers(1, 40))
        else:
            # Uncompressed or poorly compressing kinds stay small to keep the fixtures small.
            top = 140 if kind in ("RGB;16", "CMYK-TIFF", "TIFF", "BMP", "RGBA", "LA") else 330
            w, h = int(rng.integers(20, top)), int(rng.integers(20, top))
        specs.append((kind, w, h))
    entries = []
    for i, (kind, w, h) in enumerate(specs):
        data, ext = make_image(rng, kind, w, h)
        name = f"{i:03d}_{kind.replace(';', '').replace('-', '_').lower()}_{w}x{h}.{ext}"
        (FIX / name).write_bytes(data)
        min_pixels, max_pixels = DEFAULT_MIN, DEFAULT_MAX
        if i % 10 == 7:  # other stage-2 budgets, as the option allows
            min_pixels = int(rng.integers(4, 64)) * 28 * 28
            max_pixels = min_pixels + int(rng.integers(0, 512)) * 28 * 28
        entry = {"file": name, "kind": kind, "min_pixels": min_pixels, "max_pixels": max_pixels,
                 "exif_orientation": False}
        entry.update(expected(data, min_pixels, max_pixels, apply_orientation=False))
        if kind == "CMYK-TIFF":
            # OpenCV converts TIFF CMYK through libtiff, which rounds differently from Pillow's
            # cmyk2rgb: the test allows 1 level there, so it needs Pillow's pixels.
            ref = name.rsplit(".", 1)[0] + ".expected.png"
            Image.open(io.BytesIO(data)).convert("RGB").save(FIX / ref)
            entry["decoded_png"] = ref
        entries.append(entry)

    # EXIF orientation: the product applies it, so compare with Pillow's exif_transpose.
    for orientation in range(1, 9):
        for fmt in ("JPEG", "PNG"):
            w, h = int(rng.integers(30, 90)), int(rng.integers(30, 90))
            im = Image.fromarray(content(rng, w, h, 3), "RGB")
            exif = Image.Exif()
            exif[0x0112] = orientation
            exif.get_ifd(0x8769)[0x9003] = f"2021:07:0{orientation} 12:34:56"
            buf = io.BytesIO()
            im.save(buf, fmt, exif=exif.tobytes(), **({"quality": 90} if fmt == "JPEG" else {}))
            ext = "jpg" if fmt == "JPEG" else "png"
            name = f"exif_o{orientation}_{w}x{h}.{ext}"
            (FIX / name).write_bytes(buf.getvalue())
            entry = {"file": name, "kind": f"EXIF-{fmt}", "min_pixels": DEFAULT_MIN,
                     "max_pixels": DEFAULT_MAX, "exif_orientation": True,
                     "orientation": orientation, "date_time_original": f"2021:07:0{orientation} 12:34:56"}
            entry.update(expected(buf.getvalue(), DEFAULT_MIN, DEFAULT_MAX, apply_orientation=True))
            entries.append(entry)

    meta = {"generator": "tools/reference/image_fixtures.py", "seed": SEED,
            "pillow": Image.__version__, "transformers": __import__("transformers").__version__,
            "qwen_vl_utils": "smart_resize(factor=28, 4*28*28, 16384*28*28) + Image.resize default",
            "count": len(entries), "fixtures": entries}
    (OUT / "fixtures.json").write_text(json.dumps(meta, indent=1) + "\n")
    size = sum(p.stat().st_size for p in FIX.iterdir())
    errors = sum(1 for e in entries if "error" in e)
    print(f"{len(entries)} fixtures ({errors} expected errors), {size / 1e6:.2f} MB of images")


if __name__ == "__main__":
    main()
