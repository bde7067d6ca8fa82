"""cpython_driver.py's ops for mmap (FORMAT.md)."""


def ops(driver):
    """op name -> fn(step, st, out); `driver` is cpython_driver (conv, encode, ...)."""
    return {}
