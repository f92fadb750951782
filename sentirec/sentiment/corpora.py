"""The fixed train/validation splits of ``shared/data`` used by the recipe and the bench.

SST-2: 1,000 whole sentences held out together with all their phrases (the GLUE dev set
is whole sentences). Blitzer: a seeded 20 % of distinct reviews, which spreads evenly over
the four domains. UCI sentences and the IMDB sample are never trained on: they are the
out-of-domain checks.

A second pair, the *final* split (the next 1,000 SST-2 sentences with their phrases, a
further 10 % of the Blitzer reviews), is neither trained on nor used to choose anything:
it is scored once, when a candidate for the shipped model is final, so that its figure
predicts the official held-out one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .datasets import Dataset, load
from .splits import fraction_split, holdout_sentences

Split = tuple[list[str], list[int]]
SEED = 0
SST2_VAL_SENTENCES = 1000
BLITZER_VAL_FRACTION = 0.2
SST2_FINAL_SENTENCES = 1000
BLITZER_FINAL_FRACTION = 0.1


def _take(data: Dataset, idx: list[int]) -> Split:
    texts, labels = data.texts, data.labels
    return [texts[i] for i in idx], [labels[i] for i in idx]


def _concat(*splits: Split) -> Split:
    return [t for s in splits for t in s[0]], [y for s in splits for y in s[1]]


@dataclass
class Corpora:
    sst2_train: Split
    sst2_val: Split
    blitzer_train: Split
    blitzer_val: Split
    uci: Split
    imdb: Split
    sst2_final: Split
    blitzer_final: Split

    def train(self, source: str) -> Split:
        """Training texts for ``source``: "sst2", "blitzer" or "both"."""
        return {
            "sst2": self.sst2_train,
            "blitzer": self.blitzer_train,
            "both": _concat(self.sst2_train, self.blitzer_train),
        }[source]

    def val(self, source: str) -> Split:
        return {
            "sst2": self.sst2_val,
            "blitzer": self.blitzer_val,
            "both": _concat(self.sst2_val, self.blitzer_val),
        }[source]

    def describe(self) -> str:
        return (
            f"SST-2 {len(self.sst2_train[0])} train rows / {len(self.sst2_val[0])} held-out "
            f"sentences; Blitzer {len(self.blitzer_train[0])} / {len(self.blitzer_val[0])} "
            f"reviews; UCI {len(self.uci[0])}; IMDB {len(self.imdb[0])}; final (untouched): "
            f"SST-2 {len(self.sst2_final[0])} sentences, Blitzer {len(self.blitzer_final[0])} "
            "reviews"
        )


def load_corpora(root: str | Path) -> Corpora:
    root = Path(root)
    sst2 = load("sst2", root / "sst2" / "train.tsv")
    blitzer = load("blitzer", root / "multi-domain-sentiment")
    s_train, s_val, s_final = holdout_sentences(
        sst2.texts, [SST2_VAL_SENTENCES, SST2_FINAL_SENTENCES], SEED
    )
    b_train, b_val, b_final = fraction_split(
        blitzer.texts, [BLITZER_VAL_FRACTION, BLITZER_FINAL_FRACTION], SEED
    )
    uci = load("uci", root / "uci-sentiment-labelled-sentences")
    imdb = load("csv", root / "imdb-2k-sample" / "imdb.csv")
    return Corpora(
        _take(sst2, s_train),
        _take(sst2, s_val),
        _take(blitzer, b_train),
        _take(blitzer, b_val),
        (uci.texts, uci.labels),
        (imdb.texts, imdb.labels),
        _take(sst2, s_final),
        _take(blitzer, b_final),
    )
