"""Certificates: templates, issuance (one or in bulk), renewal, revocation and public checks."""
