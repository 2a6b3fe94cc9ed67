#!/usr/bin/env python3
"""The anchor for `abc-photos-cli bench-library --open-db`: Python's sqlite3 and numpy open the
same library file, read every vector of a model into one float32 matrix and answer one top-50
query, so the program's figures can be read against what a plain script achieves on the same
machine in the same session.

  tools/bench_open_anchor.py LIBRARY [--fingerprint bench]

Prints one line: rows, seconds to the first results, peak RSS and its ratio to the stored
vectors (MB = 10^6 bytes, as bench-library prints).
"""

import argparse
import resource
import sqlite3
import time

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library")
    parser.add_argument("--fingerprint", default="bench")
    args = parser.parse_args()

    start = time.perf_counter()
    db = sqlite3.connect(args.library)
    model, dimension = db.execute("SELECT id, dimension FROM models WHERE fingerprint = ?",
                                  (args.fingerprint,)).fetchone()
    count = db.execute("SELECT count(*) FROM vectors WHERE model_id = ? AND instruction = ''",
                       (model,)).fetchone()[0]
    ids = np.empty(count, dtype=np.int64)
    matrix = np.empty((count, dimension), dtype=np.float32)
    rows = db.execute("SELECT photo_id, vector FROM vectors WHERE model_id = ? AND "
                      "instruction = '' ORDER BY photo_id", (model,))
    for i, (photo, blob) in enumerate(rows):
        ids[i] = photo
        matrix[i] = np.frombuffer(blob, dtype="<f4")
    query = np.random.default_rng(42).standard_normal(dimension).astype(np.float32)
    query /= np.linalg.norm(query)
    scores = matrix @ query
    best = np.argpartition(-scores, 50)[:50]
    best = best[np.argsort(-scores[best])]
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    stored_mb = count * dimension * 4 / 1e6
    print("anchor (Python sqlite3 + numpy) open %d x %d: %.0f ms to the first %d results; "
          "peak RSS %.0f MB = %.2f x the stored vectors (%.0f MB)"
          % (count, dimension, seconds * 1000, len(best), peak_mb, peak_mb / stored_mb, stored_mb))


if __name__ == "__main__":
    main()
