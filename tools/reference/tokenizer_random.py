"""Random-string cross-check fixture for the C++ tokenizer against the Rust `tokenizers`.

Generates fixed-seed random strings (mixed scripts, whitespace runs including CRLF and
Unicode spaces, digits of several scripts, emoji with ZWJ sequences, skin tones, flags and
keycaps, combining marks and decomposed text, contractions in mixed case, punctuation runs,
controls, and the added tokens inside text) and records the ids the Rust library gives with
add_special_tokens=False. Also records random id sequences with their decoded text (with and
without skip_special_tokens). Characters are drawn from those already assigned in Unicode 3.2
(plus long-stable emoji), so Unicode-version differences between libraries cannot matter.

Output: a qCompress-compatible file (4-byte big-endian length + zlib) of JSON lines:
  line 1: {"format": ..., "tokenizers": version, "seed": ..., "encode": N, "decode": M}
  then N lines {"text": ..., "ids": [...]} and M lines {"ids": [...], "text": ..., "text_skip": ...}

Usage: tools/reference/.venv/bin/python tools/reference/tokenizer_random.py \
           [--tokenizer ../shared/reference/tokenizer/tokenizer.json] \
           [--out tests/data/tokenizer/random_cases.jsonl.qz] [--count 10000] [--seed 20250417]
"""

import argparse
import json
import os
import random
import struct
import unicodedata
import zlib

os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import tokenizers  # noqa: E402

OLD = unicodedata.ucd_3_2_0

SPECIALS = [
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
    "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>",
    "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>",
]
NEAR_MISSES = ["<|im_start", "<|im_start|", "<|IM_START|>", "<|im_end|>>", "<<|im_end|>",
               "<think>", "</think>", "<tool_call>", "<|fim_prefix|>", "<|", "|>", "<||>"]
CONTRACTIONS = ["'s", "'S", "'t", "'T", "'re", "'RE", "'Re", "'rE", "'ve", "'VE", "'Ve", "'m",
                "'M", "'ll", "'LL", "'Ll", "'lL", "'d", "'D", "\u2019s", "'", "''", "'x", "'ſ"]
WORDS = ["the", "The", "THE", "dog", "photo", "of", "a", "cat", "Left", "right", "isn", "don",
         "we", "I", "You", "they", "it", "Hello", "world", "naïve", "café", "straße", "Ωmega"]
SPACES = [" ", "  ", "\t", "\n", "\r\n", "\r", "\n\n", "\u00a0", "\u3000", "\u2028", "\u2029",
          "\u0085", "\u2000", "\u2003", "\u2009", "\u200a", "\u202f", "\u205f", "\u1680",
          "\u000b", "\u000c", " \n", "\t\n", "\u180e", "\u200b", "\ufeff"]
PUNCT = list("!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~") + ["...", "!!!", "?!", "--", "\u2026",
         "\uff0c", "\u3002", "\uff01", "\u201c", "\u201d", "\u00bf", "\u00a1", "\u00ab", "\u00bb"]
DIGIT_SETS = ["0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
              "\u0966\u0967\u0968\u0969\u096a\u096b\u096c\u096d\u096e\u096f",
              "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19",
              "\u00bd\u00bc\u2153\u2160\u2161\u216b\u00b2\u00b3\u2460"]
SCRIPT_RANGES = [
    (0x00C0, 0x024F),  # Latin-1 supplement letters, Latin extended
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x0531, 0x058A),  # Armenian
    (0x05D0, 0x05EA),  # Hebrew
    (0x0621, 0x064A),  # Arabic letters
    (0x0905, 0x0939),  # Devanagari
    (0x0985, 0x09B9),  # Bengali
    (0x0E01, 0x0E3A),  # Thai
    (0x10A0, 0x10FA),  # Georgian
    (0x1200, 0x135A),  # Ethiopic
    (0x3041, 0x3096),  # Hiragana
    (0x30A1, 0x30FA),  # Katakana
    (0x4E00, 0x9FA5),  # CJK unified ideographs
    (0xAC00, 0xD7A3),  # Hangul syllables
    (0x1D400, 0x1D6A3),  # mathematical alphanumerics (astral letters)
    (0xFB01, 0xFB06),  # ligatures (NFC keeps them)
    (0xFF21, 0xFF5A),  # fullwidth Latin
]
COMBINING = [chr(c) for c in range(0x0300, 0x0370)] + ["\u0951", "\u0e48", "\u302a", "\u20dd"]
EMOJI_RANGES = [(0x1F300, 0x1F5FF), (0x1F600, 0x1F64F), (0x2600, 0x26FF)]
SKIN_TONES = [chr(c) for c in range(0x1F3FB, 0x1F400)]
ZWJ_SEQUENCES = ["\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466",
                 "\U0001F469\u200d\u2764\ufe0f\u200d\U0001F468", "\U0001F3F3\ufe0f\u200d\U0001F308",
                 "\U0001F441\ufe0f\u200d\U0001F5E8\ufe0f", "\U0001F9D1\u200d\U0001F4BB"]
CONTROLS = ["\x00", "\x01", "\x1b", "\x7f", "\u0080", "\u009f", "\ue000", "\U000F0000", "\ufffd"]


def assigned_old(cp):
    return OLD.category(chr(cp)) != "Cn"


def pick_char(rng, ranges):
    while True:
        lo, hi = rng.choice(ranges)
        cp = rng.randint(lo, hi)
        if assigned_old(cp) or ranges is EMOJI_RANGES:
            if unicodedata.category(chr(cp)) != "Cn":
                return chr(cp)


def component(rng):
    kind = rng.randrange(16)
    if kind == 0:
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
                       for _ in range(rng.randint(1, 12)))
        return word
    if kind == 1:
        return rng.choice(WORDS) + rng.choice(CONTRACTIONS)
    if kind == 2:
        return "".join(rng.choice(SPACES) for _ in range(rng.randint(1, 6)))
    if kind == 3:
        return "".join(rng.choice(PUNCT) for _ in range(rng.randint(1, 4)))
    if kind == 4:
        digits = rng.choice(DIGIT_SETS)
        return "".join(rng.choice(digits) for _ in range(rng.randint(1, 9)))
    if kind == 5:
        return "".join(pick_char(rng, SCRIPT_RANGES) for _ in range(rng.randint(1, 10)))
    if kind == 6:
        base = rng.choice("aeiouAEIOUnNcCsSzZyY") if rng.random() < 0.7 else pick_char(rng, SCRIPT_RANGES)
        return base + "".join(rng.choice(COMBINING) for _ in range(rng.randint(1, 3)))
    if kind == 7:
        word = "".join(pick_char(rng, SCRIPT_RANGES[:2]) for _ in range(rng.randint(1, 6)))
        return unicodedata.normalize("NFD", word)
    if kind == 8:
        choice = rng.randrange(5)
        if choice == 0:
            return pick_char(rng, EMOJI_RANGES) + rng.choice(SKIN_TONES + ["", "\ufe0f"])
        if choice == 1:
            return rng.choice(ZWJ_SEQUENCES)
        if choice == 2:
            return chr(0x1F1E6 + rng.randrange(26)) + chr(0x1F1E6 + rng.randrange(26))
        if choice == 3:
            return rng.choice("0123456789#*") + "\ufe0f\u20e3"
        return "".join(pick_char(rng, EMOJI_RANGES) for _ in range(rng.randint(2, 5)))
    if kind == 9:
        return rng.choice(SPECIALS)
    if kind == 10:
        return rng.choice(NEAR_MISSES)
    if kind == 11:
        return rng.choice(CONTROLS)
    if kind == 12:
        # Hangul jamo that NFC composes into syllables.
        return chr(0x1100 + rng.randrange(19)) + chr(0x1161 + rng.randrange(21)) + \
            (chr(0x11A8 + rng.randrange(27)) if rng.random() < 0.5 else "")
    if kind == 13:
        return " " + rng.choice(WORDS)
    if kind == 14:
        return rng.choice(["http://example.com/a?b=c&d=1", "x_1 = f(y) + 2;", "e-mail@host.org",
                           "C:\\path\\file.txt", "#include <stdio.h>", "3.14159", "1,000,000"])
    return rng.choice(WORDS)


def random_text(rng):
    n = rng.randint(1, 12) if rng.random() < 0.97 else rng.randint(40, 120)
    return "".join(component(rng) for _ in range(n))


def json_line(obj):
    """One JSON object per line; the characters some readers treat as line breaks are escaped."""
    line = json.dumps(obj, ensure_ascii=False)
    for ch in ("\u0085", "\u2028", "\u2029"):
        line = line.replace(ch, "\\u%04x" % ord(ch))
    return line


def random_ids(rng, vocab_size, special_ids):
    ids = []
    for _ in range(rng.randint(1, 12)):
        r = rng.random()
        if r < 0.15:
            ids.append(rng.choice(special_ids))
        elif r < 0.45:
            ids.append(rng.randrange(256))  # single bytes and short merges: partial UTF-8
        else:
            ids.append(rng.randrange(vocab_size))
    return ids


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tokenizer", default=os.path.join(
        repo, "..", "shared", "reference", "tokenizer", "tokenizer.json"))
    parser.add_argument("--out", default=os.path.join(
        repo, "tests", "data", "tokenizer", "random_cases.jsonl.qz"))
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--decode-count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20250417)
    args = parser.parse_args()

    tok = tokenizers.Tokenizer.from_file(args.tokenizer)
    rng = random.Random(args.seed)
    lines = [json.dumps({"format": "abc-tokenizer-random/1", "tokenizers": tokenizers.__version__,
                         "seed": args.seed, "encode": args.count, "decode": args.decode_count})]
    for _ in range(args.count):
        text = random_text(rng)
        ids = tok.encode(text, add_special_tokens=False).ids
        lines.append(json_line({"text": text, "ids": ids}))
    special_ids = [tok.token_to_id(s) for s in SPECIALS]
    vocab_size = tok.get_vocab_size(with_added_tokens=True)
    for _ in range(args.decode_count):
        ids = random_ids(rng, vocab_size, special_ids)
        lines.append(json_line({"ids": ids,
                                "text": tok.decode(ids, skip_special_tokens=False),
                                "text_skip": tok.decode(ids, skip_special_tokens=True)}))
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    with open(args.out, "wb") as f:
        f.write(struct.pack(">I", len(raw)) + zlib.compress(raw, 9))
    print(f"{args.out}: {args.count} encode + {args.decode_count} decode cases, "
          f"{len(raw)} bytes raw, {os.path.getsize(args.out)} compressed")


if __name__ == "__main__":
    main()
