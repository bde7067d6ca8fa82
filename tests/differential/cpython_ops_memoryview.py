"""cpython_driver.py's ops for memoryview (FORMAT.md)."""


def ops(driver):
    """op name -> fn(step, st, out); `driver` is cpython_driver (conv, encode, ...)."""
    return {}
