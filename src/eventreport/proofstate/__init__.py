"""What the proof process has recorded in sources/<event>/proofs/: rounds sent, who was sent
what, corrections from returned proofs, approvals. `build` reads it for the approval gate and
`proofs` writes it, so it sits below both."""
