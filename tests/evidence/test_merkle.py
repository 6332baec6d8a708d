"""The receipts' Merkle tree: every leaf's path leads to the root, and nothing else does."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.evidence.merkle import MerkleTree, leaf_hash, root_from_path


def _reference_root(leaves: list[bytes]) -> bytes:
    """RFC 6962's MTH written out recursively, as the RFC states it."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    left, right = _reference_root(leaves[:k]), _reference_root(leaves[k:])
    return hashlib.sha256(b"\x01" + left + right).digest()


def test_rfc6962_known_values() -> None:
    # RFC 6962's own test vector leaves (from its reference test data): the empty leaf and 0x00.
    assert leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert MerkleTree([]).root.hex() == hashlib.sha256(b"").hexdigest()


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=40), st.data())
def test_every_path_leads_to_the_root(raw: list[bytes], data: st.DataObject) -> None:
    leaves = [leaf_hash(item) for item in raw]
    tree = MerkleTree(leaves)
    assert tree.root == _reference_root(leaves)
    index = data.draw(st.integers(0, len(leaves) - 1))
    path = tree.path(index)
    assert root_from_path(leaves[index], index, len(leaves), path) == tree.root


@given(st.lists(st.binary(max_size=8), min_size=2, max_size=40), st.data())
def test_a_wrong_leaf_place_or_path_does_not_lead_to_the_root(raw: list[bytes], data: st.DataObject) -> None:
    leaves = [leaf_hash(bytes([n]) + item) for n, item in enumerate(raw)]
    tree = MerkleTree(leaves)
    index = data.draw(st.integers(0, len(leaves) - 1))
    other = data.draw(st.integers(0, len(leaves) - 1).filter(lambda i: i != index))
    path = tree.path(index)
    assert root_from_path(leaves[other], index, len(leaves), path) != tree.root
    assert root_from_path(leaves[index], other, len(leaves), path) != tree.root
    if path:
        assert root_from_path(leaves[index], index, len(leaves), path[:-1]) != tree.root
        assert root_from_path(leaves[index], index, len(leaves), [*path, path[0]]) != tree.root
