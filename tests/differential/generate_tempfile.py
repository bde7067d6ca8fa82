"""Random differential scripts for tempfile (FORMAT.md)."""


def generate(seed):
    """The script of `seed` (name "lib-tempfile-<seed>"), or None."""
    return None
