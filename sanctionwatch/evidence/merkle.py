"""A Merkle tree over a batch's receipts, as RFC 6962 (Certificate Transparency) defines it.

One audit record per screened file, not one per row: a file of a million rows cannot append a million
chained records. The record holds the root of the tree over the rows' receipts, and each receipt holds
its audit path, so that any one receipt proves on its own that it belongs to that record. RFC 6962's
tree is used as published (leaf hash SHA-256(0x00 || leaf), node hash SHA-256(0x01 || left || right),
the split at the largest power of two below the size), so that anyone can check a path with any
implementation of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

__all__ = ["MerkleTree", "leaf_hash", "root_from_path"]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


class MerkleTree:
    """The tree over a batch's leaf hashes (not raw leaves). Each subtree's root is computed once, so
    the root and every leaf's path together cost O(n log n) hashes, not O(n) per path."""

    def __init__(self, leaves: Sequence[bytes]) -> None:
        self.leaves = list(leaves)
        self._roots: dict[tuple[int, int], bytes] = {}

    def __len__(self) -> int:
        return len(self.leaves)

    @property
    def root(self) -> bytes:
        if not self.leaves:
            return hashlib.sha256(b"").digest()
        return self._root(0, len(self.leaves))

    def _root(self, start: int, end: int) -> bytes:
        if end - start == 1:
            return self.leaves[start]
        found = self._roots.get((start, end))
        if found is None:
            middle = start + _split(end - start)
            found = self._roots[(start, end)] = _node(self._root(start, middle), self._root(middle, end))
        return found

    def path(self, index: int) -> list[bytes]:
        """The sibling hashes from leaf `index` up to the root (RFC 6962 section 2.1.1), nearest first."""
        if not 0 <= index < len(self.leaves):
            raise IndexError(f"leaf {index} of a tree of {len(self.leaves)}")
        start, end = 0, len(self.leaves)
        siblings: list[bytes] = []
        while end - start > 1:
            middle = start + _split(end - start)
            if index < middle:
                siblings.append(self._root(middle, end))
                end = middle
            else:
                siblings.append(self._root(start, middle))
                start = middle
        return siblings[::-1]


def root_from_path(leaf: bytes, index: int, size: int, path: Sequence[bytes]) -> bytes | None:
    """The root that leaf hash `leaf` at `index` of a tree of `size` leads to along `path`, or None when
    the path has the wrong length for that place (RFC 9162 section 2.1.3.2's algorithm)."""
    if not 0 <= index < size:
        return None
    node, last = index, size - 1
    current = leaf
    for sibling in path:
        if last == 0:
            return None
        if node % 2 == 1 or node == last:
            current = _node(sibling, current)
            if node % 2 == 0:
                while node % 2 == 0 and node != 0:
                    node >>= 1
                    last >>= 1
        else:
            current = _node(current, sibling)
        node >>= 1
        last >>= 1
    return current if last == 0 else None
