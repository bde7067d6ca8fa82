"""Random differential scripts for oslib (FORMAT.md)."""


def generate(seed):
    """The script of `seed` (name "lib-oslib-<seed>"), or None."""
    return None
