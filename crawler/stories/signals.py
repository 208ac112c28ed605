"""Text signals of one article: word shingles, a MinHash signature and its LSH band keys.

Near-copies (agency wires, republished releases) share most of their 3-word shingles; the
MinHash of those shingles estimates their Jaccard similarity in constant space, and the band
keys let the store find the articles that collide with a new one without reading the others.
"""
from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from functools import lru_cache

import numpy as np
from datasketch import MinHash

#: 64 permutations: a Jaccard estimate within ~0.06, 256 bytes a signature (uint32 values).
NUM_PERM = 64
#: 21 bands of 3 rows (63 of the 64 values): a pair collides in some band with probability
#: 1 - (1 - J^3)^21, i.e. 0.5 at J ~ 0.27 and 0.95 at J ~ 0.45. Lower than the 0.5 that
#: datasketch's default would give, because rewrites of one story share little text; the
#: facts check (match.py) then rejects the look-alikes this lets through.
BANDS, ROWS = 21, 3
SHINGLE = 3

_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lowercase, without accents: "Ministère" and "ministere" are the same key."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """The distinct ``size``-word shingles of a text (one shingle for a shorter text)."""
    toks = words(text)
    if len(toks) <= size:
        return {" ".join(toks).encode()} if toks else set()
    return {" ".join(toks[i:i + size]).encode() for i in range(len(toks) - size + 1)}


def _hash32(data: bytes) -> int:
    # blake2b is ~3x faster than datasketch's default sha1 and as well distributed.
    return int.from_bytes(hashlib.blake2b(data, digest_size=4).digest(), "little")


@lru_cache(maxsize=1)
def _template() -> MinHash:
    # Built once: a MinHash draws its permutations from a seeded RNG on every construction.
    return MinHash(num_perm=NUM_PERM, seed=1)


def signature(text: str) -> np.ndarray:
    """MinHash signature (``NUM_PERM`` uint32 values) of the text's shingles."""
    t = _template()
    m = MinHash(num_perm=NUM_PERM, hashfunc=_hash32, permutations=t.permutations, scheme=t.scheme)
    sh = shingles(text)
    if sh:
        m.update_batch(sh)
    return m.hashvalues.astype(np.uint32)


def to_blob(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets."""
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band: articles sharing a key are LSH candidates."""
    keys = []
    raw = sig.astype("<u4")
    for band in range(BANDS):
        chunk = raw[band * ROWS:(band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(struct.unpack("<q", digest)[0])
    return keys


def fact_key(fact: str) -> int:
    """A fact as a signed 64-bit integer (the inverted index's key)."""
    return struct.unpack("<q", hashlib.blake2b(fact.encode(), digest_size=8).digest())[0]
