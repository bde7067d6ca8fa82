"""Random differential scripts for mmap (FORMAT.md)."""


def generate(seed):
    """The script of `seed` (name "lib-mmap-<seed>"), or None."""
    return None
