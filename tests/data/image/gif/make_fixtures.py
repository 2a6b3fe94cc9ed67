"""Makes the GIF decoder fixtures and their goldens.

Run with the reference venv: tools/reference/.venv/bin/python tests/data/image/gif/make_fixtures.py
Each NAME.gif gets NAME.rgb: Pillow's Image.open(...).convert("RGB") of the first frame, raw
8-bit RGB rows; manifest.json lists the size Pillow reports. Bad files (bad_*.gif) are listed
with the Pillow error they raise and have no golden.
"""

import io
import json
import os
import random
import re

import PIL
from PIL import Image

from gifwriter import TRAILER, graphic_control, header, image

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20240611)

PALETTE = [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(16)]
OTHER = [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(8)]
GREY_RAMP = [(i, i, i) for i in range(4)]


def noise(width, height, colours):
    return [[rng.randrange(colours) for _ in range(width)] for _ in range(height)]


def pillow_gif(frames, **save):
    out = io.BytesIO()
    frames[0].save(out, format="GIF", **save)
    return out.getvalue()


def pillow_frame(width, height, seed):
    r = random.Random(seed)
    im = Image.new("P", (width, height))
    im.putpalette([c for _ in range(256) for c in (r.randrange(256), r.randrange(256),
                                                     r.randrange(256))])
    im.putdata([r.randrange(256) for _ in range(width * height)])
    return im


def cases():
    # Written by Pillow: a 256-colour global palette, its interlacing, its transparency and
    # an animation whose first frame is what counts.
    yield "pillow_global_palette", pillow_gif([pillow_frame(23, 17, 1)], interlace=False)
    yield "pillow_interlaced", pillow_gif([pillow_frame(19, 37, 2)], interlace=True)
    yield "pillow_transparency", pillow_gif([pillow_frame(20, 16, 3)], transparency=7,
                                            interlace=False)
    frames = [pillow_frame(21, 18, 10 + i) for i in range(3)]
    yield "pillow_animated", pillow_gif(frames, save_all=True, append_images=frames[1:],
                                        duration=50, loop=0, interlace=False)

    # Written block by block: what Pillow's writer never produces for a first frame.
    yield "local_palette", (header(12, 9, OTHER) + image(0, 0, 12, 9, noise(12, 9, 16),
                                                          local_palette=PALETTE) + TRAILER)
    yield "offset_frame", (header(16, 12, PALETTE, background=5) +
                           image(3, 2, 9, 7, noise(9, 7, 16)) + TRAILER)
    yield "offset_frame_transparency", (header(16, 12, PALETTE, background=5) +
                                        graphic_control(transparency=9) +
                                        image(5, 4, 8, 6, noise(8, 6, 16)) + TRAILER)
    yield "frame_past_screen", header(10, 6, PALETTE) + image(4, 3, 9, 5, noise(9, 5, 16)) + TRAILER
    yield "indices_past_palette", header(8, 4, PALETTE[:4]) + image(0, 0, 8, 4, noise(8, 4, 256)) + TRAILER
    yield "no_palette", header(9, 5) + image(0, 0, 9, 5, noise(9, 5, 256)) + TRAILER
    yield "grey_ramp_global", header(8, 3, GREY_RAMP) + image(0, 0, 8, 3, noise(8, 3, 256)) + TRAILER
    yield "grey_ramp_local", (header(8, 3, PALETTE[:4]) +
                              image(0, 0, 8, 3, noise(8, 3, 8), local_palette=GREY_RAMP) + TRAILER)
    for height in (1, 3, 5, 9, 20):
        yield f"interlaced_h{height}", (header(7, height, PALETTE) +
                                        image(0, 0, 7, height, noise(7, height, 16),
                                              interlace=True) + TRAILER)
    yield "interlaced_offset", (header(14, 14, PALETTE) + graphic_control(transparency=2) +
                                image(2, 3, 10, 11, noise(10, 11, 16), interlace=True) + TRAILER)
    yield "stray_bytes_between_blocks", (header(6, 4, PALETTE) + b"\x07\x00" +
                                         image(0, 0, 6, 4, noise(6, 4, 16)) + TRAILER)
    good = header(12, 10, PALETTE) + image(0, 0, 12, 10, noise(12, 10, 16)) + TRAILER
    yield "no_trailer", good[:-1]

    yield "bad_truncated", good[: len(good) - 40]
    yield "bad_early_end_code", (header(12, 10, PALETTE) +
                                 image(0, 0, 12, 10, noise(12, 10, 16), truncate_pixels=50) +
                                 TRAILER)
    yield "bad_header_only", good[:9]
    yield "bad_no_image", header(4, 4, PALETTE) + TRAILER
    yield "bad_zero_size_image", header(4, 4, PALETTE) + image(1, 1, 0, 0, []) + TRAILER
    yield "bad_short_control_extension", (header(4, 1, PALETTE) + b"\x21\xF9\x02\x01\x00\x00" +
                                          image(0, 0, 4, 1, [[0, 1, 2, 3]]) + TRAILER)
    # A 65535 x 65535 logical screen holding a 1 x 1 image: 4.3 G pixels, above the limit.
    yield "bad_huge_screen", header(65535, 65535, PALETTE) + image(0, 0, 1, 1, [[3]]) + TRAILER


def main():
    manifest = []
    for name, data in cases():
        with open(os.path.join(HERE, name + ".gif"), "wb") as f:
            f.write(data)
        entry = {"file": name + ".gif"}
        try:
            with Image.open(io.BytesIO(data)) as im:
                rgb = im.convert("RGB")
            entry.update(width=rgb.width, height=rgb.height, golden=name + ".rgb")
            with open(os.path.join(HERE, name + ".rgb"), "wb") as f:
                f.write(rgb.tobytes())
        except Exception as e:  # noqa: BLE001 -- the error itself is the expected outcome
            if not name.startswith("bad_"):
                raise
            entry["pillow_error"] = re.sub(r" <[^>]*>", "", f"{type(e).__name__}: {e}")
        manifest.append(entry)
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump({"generator": "tests/data/image/gif/make_fixtures.py",
                   "pillow": PIL.__version__,
                   "fixtures": manifest}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
