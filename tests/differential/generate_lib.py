"""Random differential scripts for the lib layer (harness.py --lib-seeds): seed s is script
`lib-<area>-<s>` of the area s picks in turn, made by that area's generator."""

import generate_mmap
import generate_oslib
import generate_tempfile

GENERATORS = (generate_mmap.generate, generate_tempfile.generate, generate_oslib.generate)


def generate_lib(seed):
    """A script dict, or None while an area has no generator yet."""
    return GENERATORS[seed % len(GENERATORS)](seed)
