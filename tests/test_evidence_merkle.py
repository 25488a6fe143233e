"""The Merkle tree is RFC 6962's: same root as the RFC's recursive
definition for every size, and every proof, and only the right proof, leads
to it."""

from __future__ import annotations

import hashlib

from archiver.evidence.merkle import build, leaf_hash, node_hash, root_from_proof


def rfc6962_root(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) exactly as RFC 6962 section 2.1 writes it."""
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(rfc6962_root(leaves[:k]), rfc6962_root(leaves[k:]))


def leaves(n: int) -> list[bytes]:
    return [hashlib.sha256(str(i).encode()).digest() for i in range(n)]


def test_root_is_rfc6962_for_every_size_up_to_70():
    for n in range(1, 71):
        assert build(leaves(n)).root == rfc6962_root(leaves(n)), n


def test_every_leaf_proof_leads_to_the_root():
    for n in (1, 2, 3, 5, 8, 13, 64, 100):
        data = leaves(n)
        tree = build(data)
        assert [root_from_proof(data[i], i, n, tree.proofs[i]) for i in range(n)] == [tree.root] * n


def test_known_root_of_rfc6962_test_vector():
    """The empty-string leaf of Certificate Transparency's test vectors."""
    assert build([b""]).root.hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"


def test_proof_for_another_leaf_is_refused():
    data = leaves(10)
    tree = build(data)
    assert root_from_proof(data[3], 3, 10, tree.proofs[4]) != tree.root
    assert root_from_proof(data[3], 4, 10, tree.proofs[3]) != tree.root


def test_a_leaf_cannot_pass_for_an_inner_node():
    """Domain separation: the two children's concatenation is not a leaf of the parent's tree."""
    data = leaves(2)
    tree = build(data)
    assert build([leaf_hash(data[0]) + leaf_hash(data[1])]).root != tree.root


def test_proof_of_the_wrong_length_or_position_is_refused():
    data = leaves(6)
    tree = build(data)
    assert root_from_proof(data[5], 5, 6, tree.proofs[5] + [tree.root]) is None
    assert root_from_proof(data[0], 6, 6, tree.proofs[0]) is None
