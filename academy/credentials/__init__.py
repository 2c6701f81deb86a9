"""Signing keys of the network and its academies, the trust list that publishes them, did:web
documents, and COSE_Sign1 signatures (docs/credentials.md)."""
