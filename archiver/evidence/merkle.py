"""A Merkle tree over a run's captures, as RFC 6962 (Certificate Transparency)
defines it: SHA-256, leaves and inner nodes hashed with different prefixes
(0x00, 0x01) so that a leaf can never pass for a node. One timestamp of the
root then covers every capture, and each capture keeps the few hashes (its
inclusion proof) that lead from it to the root."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


@dataclass
class Tree:
    """The root and, for each leaf in order, its inclusion proof (sibling hashes, leaf first)."""

    root: bytes
    proofs: list[list[bytes]]


def build(leaves: list[bytes]) -> Tree:
    """The tree over `leaves` (the leaf data, not yet hashed). Built level by
    level; a level's odd last node moves up unpaired, which gives exactly the
    RFC 6962 tree for any number of leaves."""
    if not leaves:
        raise ValueError("a Merkle tree needs at least one leaf")
    level = [leaf_hash(data) for data in leaves]
    proofs: list[list[bytes]] = [[] for _ in leaves]
    positions = list(range(len(leaves)))  # each leaf's node index on the current level
    while len(level) > 1:
        for leaf, index in enumerate(positions):
            sibling = index ^ 1
            if sibling < len(level):
                proofs[leaf].append(level[sibling])
            positions[leaf] = index // 2
        level = [node_hash(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
                 for i in range(0, len(level), 2)]
    return Tree(root=level[0], proofs=proofs)


def sides(index: int, size: int, count: int) -> list[str] | None:
    """For each of the `count` hashes of the proof of leaf `index` in a tree of
    `size` leaves, whether it joins from the "left" or the "right" (RFC 9162,
    section 2.1.3.2); None when no such proof exists (wrong length or position).
    With the sides written out, a proof can be checked with any SHA-256 tool."""
    if not 0 <= index < size:
        return None
    fn, sn, found = index, size - 1, []
    for _ in range(count):
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            found.append("left")
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            found.append("right")
        fn >>= 1
        sn >>= 1
    return found if sn == 0 else None


def root_from_proof(data: bytes, index: int, size: int, proof: list[bytes]) -> bytes | None:
    """The root that leaf `data` at `index` of a tree of `size` leaves leads to
    through `proof`, or None when the proof cannot belong to such a leaf."""
    joins = sides(index, size, len(proof))
    if joins is None:
        return None
    node = leaf_hash(data)
    for side, sibling in zip(joins, proof):
        node = node_hash(sibling, node) if side == "left" else node_hash(node, sibling)
    return node
