"""Command line: ``python -m sentirec.recommend evaluate|tune --dataset KIND:PATH ...``.

``evaluate`` runs one offline protocol and prints a table (or one JSON object with
``--json``), choosing ours inside each fold with ``--tune`` (nested); ``tune`` scores a
grid of hyper-parameters on validation data only. A bad dataset path, kind or protocol
prints one ``error:`` line and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields, replace

from sentirec.recommend.datasets import DatasetError, load, parse_spec
from sentirec.recommend.offline import PROTOCOLS, ProtocolError, default_config, evaluate, tune
from sentirec.recommend.social_mf import SocialFactorConfig

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, like the dataset errors
        self.exit(EXIT_USAGE, f"error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m sentirec.recommend", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("evaluate", "run an offline protocol"),
        ("tune", "score hyper-parameters on validation data"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--dataset", required=True, help="KIND:PATH, e.g. filmtrust:data/ft")
        sub.add_argument("--protocol", required=True, help=" or ".join(PROTOCOLS))
        sub.add_argument("--json", action="store_true", help="print one JSON object")
        sub.add_argument("--no-trust", action="store_true", help="ablation: ignore the graph")
        sub.add_argument("--seed", type=int, default=0, help="split and model seed")
        sub.add_argument("--limit", type=int, help="read only this many rows (a quick slice)")
        sub.add_argument("--threads", type=int, help="torch threads (default: torch's)")
        sub.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
        sub.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE",
                         help="override model hyper-parameters")  # fmt: skip
        if name == "tune":
            sub.add_argument("--grid", nargs="+", required=True, metavar="NAME=V1,V2",
                             help="values to try per hyper-parameter")  # fmt: skip
        else:
            sub.add_argument("--tune", nargs="+", metavar="NAME=V1,V2",
                             help="chosen per fold on its own validation rows")  # fmt: skip
    return parser


def _typed(name: str, text: str):
    types = {f.name: f.type for f in fields(SocialFactorConfig)}
    if name not in types:
        raise ProtocolError(f"unknown hyper-parameter {name!r}")
    kind = types[name]
    if kind == "bool":
        return text.lower() in ("1", "true", "yes")
    return {"int": int, "float": float}.get(kind, str)(text)


def _assignments(items: list[str]) -> dict[str, list]:
    parsed = {}
    for item in items:
        name, sep, values = item.partition("=")
        if not sep:
            raise ProtocolError(f"expected NAME=VALUE, got {item!r}")
        parsed[name] = [_typed(name, v) for v in values.split(",")]
    return parsed


def _table(result: dict) -> str:
    rows = {"sentirec": result["sentirec"], **result["baselines"]}
    metrics = list(result["sentirec"])
    head = f"{result['dataset']} {result['protocol']} (trust {'on' if result['trust'] else 'off'})"
    lines = [
        f"{head}, {result['seconds']} s",
        f"{'model':<16}" + "".join(f"{m:>14}" for m in metrics),
    ]
    for name, values in rows.items():
        lines.append(f"{name:<16}" + "".join(f"{values[m]:>14.4f}" for m in metrics))
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> str:
    kind, _ = parse_spec(args.dataset)
    if args.protocol not in PROTOCOLS:
        raise ProtocolError(f"unknown protocol {args.protocol!r}; known: {', '.join(PROTOCOLS)}")
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    overrides = {name: values[0] for name, values in _assignments(args.set).items()}
    config = default_config(kind, args.protocol, use_trust=not args.no_trust)
    config = replace(config, seed=args.seed, **overrides)
    data = load(args.dataset, limit=args.limit)
    progress = not args.quiet
    if args.command == "evaluate":
        grid = _assignments(args.tune) if args.tune else None
        result = evaluate(data, args.protocol, config, not args.no_trust, args.seed, progress, grid)
        return json.dumps(result) if args.json else _table(result)
    ranked = tune(data, args.protocol, _assignments(args.grid), config, args.seed, progress)
    if args.json:
        return json.dumps([{"params": params, "score": score} for params, score in ranked])
    return "\n".join(f"{score:.4f}  {params}" for params, score in ranked)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        print(_run(args))
    except (DatasetError, ProtocolError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return 0


if __name__ == "__main__":
    sys.exit(main())
