"""Run every offline protocol on every public dataset and write the table into
docs/benchmarks.md (between the ``recommend-offline`` markers; the rest of the file is
left alone).

    python benchmarks/offline.py [--data /work/shared/data] [--extra-ranking] [--threads N]

Each run is the documented command line, ``python -m sentirec.recommend evaluate ...
--json``, with ours tuned inside each fold on that fold's own training part (``--tune``,
nested; the grids are ``NESTED``), in variants: the full model, without the trust graph,
and (where a dataset has item categories) without item groups; the table shows ours, the
baselines run in the same split, the published figures, the wall time and the exact
command. The raw results are kept in the section as an HTML comment, so ``--only KIND``
re-runs one dataset and keeps the others' rows; a nested run keeps the figures of the run
it replaced as "before". The section is rewritten as each run ends, so a series stopped
midway keeps the runs that finished.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from _site import BENCHMARKS_DOC, ROOT, write_section

MARKER = "recommend-offline"
RAW = f"<!-- {MARKER}:results "

FOLDERS = {
    "filmtrust": "filmtrust",
    "ciaodvd": "ciaodvd",
    "ciao": "ciao-mtrust",
    "lastfm": "lastfm-hetrec2011-2k",
}
RUNS = [
    ("filmtrust", "rating-5fold"),
    ("ciaodvd", "rating-5fold"),
    ("ciao", "rating-5fold"),
    ("lastfm", "ranking-811"),
]
EXTRA_RUNS = [("filmtrust", "ranking-811"), ("ciaodvd", "ranking-811"), ("ciao", "ranking-811")]

PUBLISHED = {
    ("filmtrust", "rating-5fold"): {
        "TrustSVD (LibRec)": {"rmse": 0.787},
        "BiasedMF (LibRec)": {"rmse": 0.802},
        "SocialMF (LibRec)": {"rmse": 0.837},
    },
    ("ciao", "rating-5fold"): {"TrustSVD (Guo et al. 2015, Ciao 280K)": {"rmse": 0.954}},
    ("lastfm", "ranking-811"): {
        "MHCN (RecBole-GNN)": {"ndcg@10": 0.2068, "recall@10": 0.2123, "precision@10": 0.1042},
        "LightGCN (RecBole-GNN)": {"ndcg@10": 0.1972, "recall@10": 0.2064, "precision@10": 0.1009},
        "BPR (RecBole-GNN)": {"ndcg@10": 0.1674, "recall@10": 0.1761, "precision@10": 0.0858},
    },
}
VARIANTS = {
    "full": ([], "**sentirec**"),
    "no-trust": (["--no-trust"], "sentirec without trust (ablation)"),
    "no-groups": (["--set", "use_groups=false"], "sentirec without item categories (ablation)"),
}
#: The searches run nested, per fold (the smallest grids around the chosen defaults that
#: cover what docs/recommender.md searched and mattered: trust_weight on every set).
NESTED = {
    ("filmtrust", "rating-5fold"): ["trust_weight=0.1,0.3,0.5"],
    ("ciaodvd", "rating-5fold"): ["trust_weight=0.3,0.6"],
    ("ciao", "rating-5fold"): ["trust_weight=0.15,0.3"],
    ("lastfm", "ranking-811"): ["trust_weight=3,10,30"],
}
GROUPED = {"ciaodvd", "ciao"}
"""Kinds with item categories, where the no-groups variant is meaningful."""
METRICS = {"rating-5fold": ["rmse", "mae"], "ranking-811": ["ndcg@10", "recall@10", "precision@10"]}


def run(kind: str, protocol: str, data: Path, variant: str, threads: int | None) -> dict:
    """One CLI run; returns its JSON result plus the variant, command and wall time."""
    command = [
        "python", "-m", "sentirec.recommend", "evaluate",
        "--dataset", f"{kind}:{data / FOLDERS[kind]}", "--protocol", protocol, "--json",
    ]  # fmt: skip
    command += VARIANTS[variant][0]
    if variant == "full" and (kind, protocol) in NESTED:
        command += ["--tune", *NESTED[kind, protocol]]
    command += ["--threads", str(threads)] if threads else []
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, *command[1:]], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if completed.returncode:
        raise SystemExit(f"{' '.join(command)} failed: {completed.stderr.strip()[-500:]}")
    result = json.loads(completed.stdout)
    result["variant"] = variant
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    result["command"] = " ".join(command)
    result["load_average"] = round(os.getloadavg()[1], 1)  # other jobs slow the wall time
    result["date"] = date.today().isoformat()
    return result


def _variant(result: dict) -> str:
    # results from before variants were named carry only the trust flag
    return result.get("variant") or ("full" if result["trust"] else "no-trust")


def _cell(values: dict, metric: str) -> str:
    return f"{values[metric]:.4f}" if metric in values else ""


def _chosen(per_fold: list[dict]) -> str:
    named = [" ".join(f"{k}={v}" for k, v in overrides.items()) for overrides in per_fold]
    if len(set(named)) == 1:
        return named[0] + (" in every fold" if len(named) > 1 else "")
    return "; ".join(f"fold {n}: {text}" for n, text in enumerate(named))


def _before(result: dict) -> str:
    """What the replaced figures were: rating-5fold defaults were chosen on an inner split
    of fold 0, whose rows the other folds test; ranking-811's on its validation part."""
    when = result["before"].get("date", "?")
    when = "date not recorded" if when == "?" else when
    if result["protocol"] == "rating-5fold":
        return f"before: fixed defaults tuned on rows the other folds test (not nested, {when})"
    return f"before: fixed defaults tuned on the validation part ({when})"


def section(results: list[dict], threads: int | None) -> str:
    """The markdown between the markers."""
    torch_threads = threads or "torch default"
    lines = [
        "## Offline recommender evaluation (`python -m sentirec.recommend evaluate`)",
        "",
        "Run by `python benchmarks/offline.py` (each table's own command lines are listed "
        f"under it; last run {date.today().isoformat()}), "
        f"{platform.machine()} with {os.cpu_count()} CPU cores ({torch_threads} torch "
        f"threads), Python {platform.python_version()}. CPU only; the machine was shared "
        "with other jobs, so wall times carry the 5-minute load average at the end of each "
        "run (a load above the core count means the run got a fraction of a core). "
        "Lower is better for "
        "RMSE/MAE, higher for NDCG/Recall/Precision. `sentirec` is the learned model "
        "(`sentirec.recommend.social_mf`) with the per-kind defaults; baselines ran in the "
        "same folds/split; published figures are quoted from the cited papers/libraries "
        "(their own runs, so comparable in protocol but not in split). See "
        "docs/recommender.md for the protocols and the hyper-parameter search.",
        "",
    ]
    by_run: dict[tuple[str, str], dict[str, dict]] = {}
    for result in results:
        by_run.setdefault((result["dataset"], result["protocol"]), {})[_variant(result)] = result
    for (kind, protocol), variants in by_run.items():
        metrics = METRICS[protocol]
        lines += [f"### {kind}, {protocol}", ""]
        lines.append("| model | " + " | ".join(metrics) + " | wall time |")
        lines.append("|---" * (len(metrics) + 2) + "|")
        ordered = [variants[v] for v in VARIANTS if v in variants]
        for result in ordered:
            cells = " | ".join(_cell(result["sentirec"], m) for m in metrics)
            wall = f"{result['wall_seconds']} s (whole run, load {result.get('load_average', '?')})"
            name = VARIANTS[_variant(result)][1]
            if "tuned" in result:
                name += f", tuned nested (chose {_chosen(result['tuned']['chosen'])})"
            lines.append(f"| {name} | {cells} | {wall} |")
            if "before" in result:
                cells = " | ".join(_cell(result["before"]["sentirec"], m) for m in metrics)
                lines.append(f"| {name.split(',')[0]}, {_before(result)} | {cells} | |")
        reference = ordered[0]
        for name, values in reference["baselines"].items():
            cells = " | ".join(_cell(values, m) for m in metrics)
            lines.append(f"| {name} (same split) | {cells} | |")
        for name, values in PUBLISHED.get((kind, protocol), {}).items():
            cells = " | ".join(_cell(values, m) for m in metrics)
            lines.append(f"| {name}, published | {cells} | |")
        lines += ["", "Commands:", ""]
        lines += [f"    {result['command']}" for result in ordered]
        lines += ["", f"Model config: `{json.dumps(reference['config'])}`", ""]
    lines += [RAW + json.dumps(results) + " -->"]
    return "\n".join(lines)


def previous_results() -> list[dict]:
    """The raw results stored in the section by the last run (empty if none)."""
    if not BENCHMARKS_DOC.exists():
        return []
    for line in BENCHMARKS_DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith(RAW):
            return json.loads(line[len(RAW) : -len(" -->")])
    return []


def _key(result: dict) -> tuple[str, str, str]:
    return result["dataset"], result["protocol"], _variant(result)


def _with_before(result: dict, old: dict | None) -> dict:
    """A nested run keeps the figures of the run with fixed defaults that it replaces (or
    that run's own ``before``), to show them side by side."""
    if old is None or "tuned" not in result:
        return result
    before = old.get("before") or {"sentirec": old["sentirec"], "date": old.get("date", "?")}
    return {**result, "before": before}


def merged(old: list[dict], new: list[dict]) -> list[dict]:
    """``old`` with every run repeated in ``new`` replaced, in RUNS and VARIANTS order."""
    previous = {_key(r): r for r in old}
    combined = previous | {_key(r): _with_before(r, previous.get(_key(r))) for r in new}
    runs = {run: n for n, run in enumerate(RUNS + EXTRA_RUNS)}
    variants = {v: n for n, v in enumerate(VARIANTS)}
    return sorted(combined.values(), key=lambda r: (runs[_key(r)[:2]], variants[_key(r)[2]]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--extra-ranking", action="store_true", help="ranking-811 on all sets")
    parser.add_argument("--threads", type=int, help="torch threads per run")
    parser.add_argument("--only", nargs="*", help="dataset kinds to run (default: all)")
    parser.add_argument("--variants", nargs="*", choices=list(VARIANTS), default=list(VARIANTS))
    args = parser.parse_args()
    runs = RUNS + (EXTRA_RUNS if args.extra_ranking else [])
    runs = [r for r in runs if not args.only or r[0] in args.only]
    for kind, protocol in runs:
        for variant in args.variants:
            if variant == "no-groups" and (kind not in GROUPED or protocol != "rating-5fold"):
                continue
            print(f"{kind} {protocol} {variant} ...", file=sys.stderr, flush=True)
            result = run(kind, protocol, args.data, variant, args.threads)
            print(json.dumps(result), file=sys.stderr, flush=True)
            # written as each run ends: a long series stopped midway keeps what finished
            write_section(MARKER, section(merged(previous_results(), [result]), args.threads))
            print(f"wrote {BENCHMARKS_DOC.relative_to(ROOT)}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
