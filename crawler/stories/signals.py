"""Text signals of one article: word shingles, a MinHash signature and its LSH band keys.

Near-copies (agency wires, republished releases) share most of their 3-word shingles; the
MinHash of those shingles estimates their Jaccard similarity in constant space, and the band
keys let the store find the articles that collide with a new one without reading the others.
"""
from __future__ import annotations

import hashlib
import re
import struct
import threading
import unicodedata
from functools import lru_cache
from itertools import accumulate
from typing import Any

import numpy as np

from crawler.text import words as text_words


def _import_minhash() -> Any:
    """datasketch's MinHash, without running the package's ``__init__``.

    That ``__init__`` imports every sketch datasketch has, and its LSH tuning imports SciPy:
    0.35 s of CPU in every process, a third of a small crawl, for code we do not use. The
    submodule is imported under a stand-in parent that is removed at once, so a later
    ``import datasketch`` anywhere gets the whole package (and this same MinHash class).
    """
    import importlib.util
    import sys
    import types

    if "datasketch" not in sys.modules:
        spec = importlib.util.find_spec("datasketch")
        if spec is not None and spec.submodule_search_locations:
            stub = types.ModuleType("datasketch")
            stub.__path__ = list(spec.submodule_search_locations)
            sys.modules["datasketch"] = stub
            try:
                from datasketch.minhash import MinHash as cls
                return cls
            except ImportError:
                pass
            finally:
                if sys.modules.get("datasketch") is stub:
                    del sys.modules["datasketch"]
    from datasketch import MinHash as cls
    return cls


MinHash = _import_minhash()

#: 64 permutations: a Jaccard estimate within ~0.06, 256 bytes a signature (uint32 values).
NUM_PERM = 64
#: 21 bands of 3 rows (63 of the 64 values): a pair collides in some band with probability
#: 1 - (1 - J^3)^21, i.e. 0.5 at J ~ 0.27 and 0.95 at J ~ 0.45. Lower than the 0.5 that
#: datasketch's default would give, because rewrites of one story share little text; the
#: facts check (match.py) then rejects the look-alikes this lets through.
BANDS, ROWS = 21, 3
SHINGLE = 3


# Letters that NFKD does not decompose into a base letter and an accent.
_MARKS = re.compile("[\u0300-\u036f]")  # the combining accents of Latin scripts
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i", "’": "'"})
_RARE = re.compile("[łøđæœı’]")


def fold(text: str) -> str:
    """Lowercase, without accents: "Ministère" and "ministere", "Łask" and "lask" are the same key."""
    low = text.casefold()
    if low.isascii():
        return low
    if _RARE.search(low):
        low = low.translate(_LETTERS)
    return _MARKS.sub("", unicodedata.normalize("NFKD", low))


def words(text: str) -> list[str]:
    return text_words(fold(text))


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """The distinct ``size``-word shingles of a text (one shingle for a shorter text)."""
    toks = words(text)
    if len(toks) <= size:
        return {" ".join(toks).encode()} if toks else set()
    if size == 3:  # the default, without a slice and a join per shingle
        return {f"{a} {b} {c}".encode() for a, b, c in zip(toks, toks[1:], toks[2:], strict=False)}
    return {" ".join(toks[i:i + size]).encode() for i in range(len(toks) - size + 1)}


def _hash32(data: bytes) -> int:
    # blake2b is ~3x faster than datasketch's default sha1 and as well distributed.
    return int.from_bytes(hashlib.blake2b(data, digest_size=4).digest(), "little")


@lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    """datasketch's affine32 permutations (odd ``a``, any ``b``), drawn from BLAKE2b, not numpy's RNG.

    Signatures are stored, so the permutations must never change: a hash of fixed labels is
    stable across numpy and datasketch versions (and spares importing numpy.random, 25 ms).
    """
    words = [int.from_bytes(hashlib.blake2b(f"defwatch-minhash-{i}".encode(), digest_size=8).digest(), "little")
             for i in range(NUM_PERM)]
    a = np.array([(w & 0xFFFFFFFF) | 1 for w in words], dtype=np.uint32)
    b = np.array([w >> 32 for w in words], dtype=np.uint32)
    return np.array([a, b])


def signature(text: str) -> np.ndarray:
    """MinHash signature (``NUM_PERM`` uint32 values) of the text's shingles."""
    # The shingles are hashed here (``_hash32``, inlined: a Python call per shingle was a third of
    # the signature's cost), their digests read as one little-endian uint32 array (``_hash32``'s
    # values), and the MinHash takes them all at once (``_permuted_min``).
    toks = words(text)
    sh: Any = shingles(text) if len(toks) <= SHINGLE else _shingle_run(toks)
    m = _minhash()
    m.clear()
    if sh:
        blake2b = hashlib.blake2b
        hv = np.frombuffer(b"".join([blake2b(s, digest_size=4).digest() for s in sh]), dtype="<u4")
        m.hashvalues = np.minimum(m.hashvalues, _permuted_min(hv, m.permutations))
    return m.hashvalues.astype(np.uint32)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, which datasketch's affine32 scheme applies to every input hash."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _permuted_min(hv: np.ndarray, permutations: np.ndarray) -> np.ndarray:
    """Each permutation's minimum over the hashes: what ``MinHash.update_batch`` computes for affine32
    (``a * fmix32(h) + b`` in uint32), one permutation a row and the sum made in place: its
    ``(hashes, permutations)`` layout and temporaries cost three times as much."""
    a, b = permutations
    out = np.multiply(a[:, None], _fmix32(hv.astype(np.uint32, copy=False)))
    np.add(out, b[:, None], out=out)
    return out.min(axis=1)


def _shingle_run(toks: list[str]) -> list[bytes]:
    """``shingles`` of more than ``SHINGLE`` (3) words, repeats left in (a minimum does not see them): each
    a slice of the words joined once, not a string built and encoded per shingle."""
    joined = " ".join(toks)
    if joined.isascii():
        data, lens = joined.encode("ascii"), [len(t) + 1 for t in toks]
    else:
        parts = [t.encode() for t in toks]
        data, lens = b" ".join(parts), [len(t) + 1 for t in parts]
    ends = list(accumulate(lens))  # where each word's following space ends
    return [data[start:end - 1] for start, end in zip([0, *ends], ends[2:], strict=False)]


_LOCAL = threading.local()


def _minhash() -> Any:
    """One MinHash per thread, cleared for each signature (building one checks its permutations every time)."""
    m = getattr(_LOCAL, "minhash", None)
    if m is None:
        m = _LOCAL.minhash = MinHash(num_perm=NUM_PERM, hashfunc=int, permutations=_permutations(), scheme="affine32")
    return m


def to_blob(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


_EMPTY = 0xFFFFFFFF  # a signature value no shingle reached


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets (0 when one has none)."""
    if a[0] == _EMPTY and (a == _EMPTY).all() or b[0] == _EMPTY and (b == _EMPTY).all():
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band: articles sharing a key are LSH candidates."""
    # One byte string sliced per band (a numpy slice and ``tobytes`` per band cost 3x more).
    raw = sig.astype("<u4").tobytes()
    size = 4 * ROWS
    blake2b, from_bytes = hashlib.blake2b, int.from_bytes
    return [from_bytes(blake2b(_BAND_PREFIX[band] + raw[band * size:(band + 1) * size], digest_size=8).digest(),
                       "little", signed=True) for band in range(BANDS)]


_BAND_PREFIX = [bytes([band]) for band in range(BANDS)]


@lru_cache(maxsize=65536)  # the same facts ("year:2024", a country) come with article after article
def fact_key(fact: str) -> int:
    """A fact as a signed 64-bit integer (the inverted index's key)."""
    return struct.unpack("<q", hashlib.blake2b(fact.encode(), digest_size=8).digest())[0]
