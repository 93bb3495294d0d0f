"""Speaker proofs: drafts per speaker, proof rounds, changes since the last round, approval."""
