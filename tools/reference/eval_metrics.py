"""Evaluation metrics of `abc-photos-cli eval`, recomputed from its --vectors file.

An independent implementation of the definitions in docs/eval.md, with whole-matrix tensor
operations (torch, float64, from the project's .venv) instead of the C++ loops:

    abc-photos-cli eval FOLDER --vectors vectors.json --json > metrics.json
    .venv/bin/python tools/reference/eval_metrics.py vectors.json   # the same numbers

Prints {"plain": {...}, "instructed": {...}} (the second only when the file has instructed
vectors) with accuracy, text_to_image / image_to_text R@1/5/10 and the confusion matrix.
Rankings: higher score first, equal scores in input order (a stable sort).
"""

import json
import sys

import torch

NEVER = 1 << 60  # the rank of a target that is not there: never within any K


def first_rank(scores: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """For each row of scores, the best (lowest) rank of any column where targets is True."""
    order = torch.sort(scores, dim=1, descending=True, stable=True).indices
    ranks = torch.empty_like(order)
    positions = torch.arange(scores.shape[1]).expand_as(order)
    ranks.scatter_(1, order, positions)
    return torch.where(targets, ranks, torch.full_like(ranks, NEVER)).min(dim=1).values


def recall(ranks: torch.Tensor) -> dict:
    return {f"r{k}": (ranks < k).double().mean().item() for k in (1, 5, 10)}


def metrics(images: torch.Tensor, data: dict) -> dict:
    texts = torch.tensor(data["text_vectors"], dtype=torch.float64)
    text_of = torch.tensor([image["text"] for image in data["images"]])
    scores = images @ texts.T  # images x texts
    matches = text_of[:, None] == torch.arange(texts.shape[0])[None, :]
    out = {
        "image_to_text": recall(first_rank(scores, matches)),
        "text_to_image": recall(first_rank(scores.T, matches.T)),
    }
    labels = data["labels"]
    confusion = torch.zeros((len(labels), len(labels)), dtype=torch.int64)
    accuracy = None
    if labels:
        label_vectors = torch.tensor(data["label_vectors"], dtype=torch.float64)
        label_scores = images @ label_vectors.T
        # The first of equal maxima, as a stable descending sort puts it first.
        predicted = torch.sort(label_scores, dim=1, descending=True, stable=True).indices[:, 0]
        truth = [image["label"] for image in data["images"]]
        labelled = [i for i, t in enumerate(truth) if t is not None]
        for i in labelled:
            confusion[truth[i], predicted[i]] += 1
        if labelled:
            accuracy = sum(int(predicted[i]) == truth[i] for i in labelled) / len(labelled)
    out["accuracy"] = accuracy
    out["confusion"] = confusion.tolist()
    return out


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as file:
        data = json.load(file)
    plain = torch.tensor([image["vector"] for image in data["images"]], dtype=torch.float64)
    result = {"plain": metrics(plain, data)}
    if data["images"] and "instructed_vector" in data["images"][0]:
        instructed = torch.tensor(
            [image["instructed_vector"] for image in data["images"]], dtype=torch.float64
        )
        result["instructed"] = metrics(instructed, data)
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
