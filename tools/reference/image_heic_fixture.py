"""Writes tests/data/image/gradient_160x120.{png,heic}: a small PNG and the same pixels as a
lossy HEIC, encoded by libheif through pillow-heif (not pinned in requirements.txt; install it
beside the venv, e.g. `pip install --target /tmp/ph pillow-heif` and PYTHONPATH=/tmp/ph)."""
from pathlib import Path

import numpy as np
import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()
root = Path(__file__).resolve().parents[2]
out = root / "tests" / "data" / "image"
source = root.parent / "shared" / "reference" / "images" / "gradient_640x480.png"
image = Image.open(source).convert("RGB").resize((160, 120))
image.save(out / "gradient_160x120.png")
image.save(out / "gradient_160x120.heic", quality=95)
back = np.asarray(Image.open(out / "gradient_160x120.heic").convert("RGB"), dtype=int)
print("mean |diff| after HEIC round trip:", np.abs(back - np.asarray(image, dtype=int)).mean())
