"""Tokenizer throughput, one thread: the C++ tokenizer (abc-photos-cli tokenize --bench)
against the Rust `tokenizers` library (Python binding) on the same 1 MB of mixed text, in one
run. The text mixes the reference tokenizer cases (English, code, many scripts, emoji,
whitespace, special tokens) with strings from tokenizer_random.py's generator, shuffled with a
fixed seed and cut at 1,000,000 bytes on a character boundary.

Usage: tools/reference/.venv/bin/python tools/reference/tokenizer_bench.py \
           --cli build/text/app/abc-photos-cli [--repeat 7] [--bytes 1000000]
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

import tokenizers  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tokenizer_random  # noqa: E402


def mixed_text(cases_path, size, seed):
    rng = random.Random(seed)
    cases = [json.loads(line)["text"] for line in open(cases_path, encoding="utf-8")]
    pieces, total = [], 0
    while total < size:
        text = rng.choice(cases) if rng.random() < 0.5 else tokenizer_random.random_text(rng)
        pieces.append(text)
        total += len(text.encode("utf-8")) + 1
    data = "\n".join(pieces).encode("utf-8")[:size]
    return data.decode("utf-8", errors="ignore")  # drop a character cut in half


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    reference = os.path.join(repo, "..", "shared", "reference", "tokenizer")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cli", required=True, help="path of the built abc-photos-cli")
    parser.add_argument("--model", default=reference, help="folder with tokenizer.json")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--bytes", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    text = mixed_text(os.path.join(reference, "cases.jsonl"), args.bytes, args.seed)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        tok = tokenizers.Tokenizer.from_file(os.path.join(args.model, "tokenizer.json"))
        nbytes = len(text.encode("utf-8"))
        lines = text.split("\n")
        print(f"text: {nbytes} bytes, {len(lines)} lines; median of {args.repeat} passes, one thread")
        for mode, texts, flags in (("whole text", [text], []),
                                   ("line by line", lines, ["--per-line"])):
            times, count = [], 0
            for _ in range(args.repeat):
                start = time.perf_counter()
                count = sum(len(tok.encode(t, add_special_tokens=False).ids) for t in texts)
                times.append(time.perf_counter() - start)
            rust = count / statistics.median(times)
            out = subprocess.run([args.cli, "tokenize", "--model", args.model, "--bench", path,
                                  "--repeat", str(args.repeat)] + flags,
                                 check=True, capture_output=True, text=True).stdout
            fields = dict(line.split(" ", 1) for line in out.strip().splitlines())
            cpp = float(fields["tokens_per_s"])
            if int(fields["tokens"]) != count:
                sys.exit(f"{mode}: token counts differ: C++ {fields['tokens']} vs Rust {count}")
            print(f"{mode}: {count} tokens")
            print(f"  rust tokenizers {tokenizers.__version__} (Python binding): {rust:,.0f} tokens/s"
                  f" (median {statistics.median(times) * 1e3:.1f} ms)")
            print(f"  abc C++ tokenizer: {cpp:,.0f} tokens/s"
                  f" (median {float(fields['median_s']) * 1e3:.1f} ms)")
            print(f"  ratio C++/Rust: {cpp / rust:.2f}")
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main()
