"""Developer tools, not shipped in the wheel: run from the repository root as `python -m tools.<name>`."""
