"""cpython_driver.py's ops for mmap (FORMAT.md "#### mmap")."""

import mmap

# Names a str argument of an mmap step may use, alone or joined by "|".
CONSTANTS = {name: getattr(mmap, name) for name in (
    "ACCESS_DEFAULT", "ACCESS_READ", "ACCESS_WRITE", "ACCESS_COPY", "MAP_SHARED", "MAP_PRIVATE",
    "MAP_ANONYMOUS", "PROT_READ", "PROT_WRITE", "PROT_EXEC", "PAGESIZE", "ALLOCATIONGRANULARITY")}


def with_constants(v):
    if not isinstance(v, str):
        return v
    parts = v.split("|")
    if not all(p in CONSTANTS for p in parts):
        return v
    value = 0
    for p in parts:
        value |= CONSTANTS[p]
    return value


def ops(driver):
    """op name -> fn(step, st, out); `driver` is cpython_driver (conv, encode, ...)."""

    def make_mmap(step, st, out):
        fileno = st.get(step["file"]).fileno() if "file" in step else step["fd"]
        args = [with_constants(a) for a in driver.conv(step.get("args", []), st)]
        kw = {k: with_constants(v) for k, v in driver.conv_kw(step.get("kw", {}), st).items()}
        m = mmap.mmap(fileno, *args, **kw)
        st.put(step["h"], m)
        out["r"] = st.repr_of(m)

    def make_view(step, st, out):
        v = memoryview(st.get(step["mmap"]))
        st.put(step["h"], v)
        out["r"] = st.repr_of(v)

    return {"mmap": make_mmap, "mmapview": make_view}
