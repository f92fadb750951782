"""The stored file of a trained ``SocialFactorModel``: one compressed ``.npz``.

Arrays are kept as arrays and the rest of the model's state as one JSON string, with the
keys its users and items stand for (as text, aligned with ``model.user_ids`` and
``model.item_ids``), so whoever loads it can answer in the keys it was trained on. No
pickles: a file is data, never code.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

import numpy as np

from sentirec.recommend.social_mf import SocialFactorModel

#: Members of the state kept in the JSON string rather than as arrays.
META = ("config", "rating_range", "global_mean")


def to_bytes(model: SocialFactorModel, user_keys: Sequence, item_keys: Sequence) -> bytes:
    """The file's bytes; ``user_keys[u]`` is the key of user index ``u`` (items alike)."""
    state = model.to_state()
    meta = {key: state.pop(key) for key in META}
    keys = {
        "user_keys": np.array([str(k) for k in user_keys], dtype=str)[model.user_ids],
        "item_keys": np.array([str(k) for k in item_keys], dtype=str)[model.item_ids],
    }
    buffer = io.BytesIO()
    np.savez_compressed(buffer, meta=np.array(json.dumps(meta)), **keys, **state)
    return buffer.getvalue()


def from_bytes(data: bytes) -> tuple[SocialFactorModel, list, list]:
    """The model and its user and item keys as stored (text; the integer indices for
    files written before keys were stored)."""
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        state = {name: arrays[name] for name in arrays.files if name != "meta"}
        state.update(json.loads(str(arrays["meta"][()])))
    user_keys = state.pop("user_keys", state["user_ids"])
    item_keys = state.pop("item_keys", state["item_ids"])
    return SocialFactorModel.from_state(state), user_keys.tolist(), item_keys.tolist()
