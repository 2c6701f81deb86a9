"""Long work run outside the request: RQ on Redis when configured, a thread otherwise."""
