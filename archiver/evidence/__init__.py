"""Evidence that stands up: each run's captures sealed under a Merkle root that
trusted timestamp authorities sign (RFC 3161), a custody log of everything
done to the archive, a verifier that re-reads every byte, and WACZ packages
that carry all of it to someone who does not run this tool."""
