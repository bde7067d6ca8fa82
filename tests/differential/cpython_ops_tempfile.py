"""cpython_driver.py's ops for tempfile (FORMAT.md "#### tempfile")."""

import os
import tempfile


def ops(driver):
    """op name -> fn(step, st, out); `driver` is cpython_driver (conv, encode, ...)."""

    def mkstemp(step, st, args, kw):
        fd, path = tempfile.mkstemp(*args, **kw)
        if "h" in step:
            try:
                f = open(fd, step.get("mode", "rb+"))
            except BaseException:
                os.close(fd)
                raise
            st.put(step["h"], f)
        else:
            st.fixed_fds.append(fd)
        return [st.fd(fd), path]

    def run(step, st, out):
        fn = step["fn"]
        args = driver.conv(step.get("args", []), st)
        kw = driver.conv_kw(step.get("kw", {}), st)
        if fn in ("gettempdir", "gettempprefix", "mkdtemp"):
            out["r"] = getattr(tempfile, fn)(*args, **kw)
        elif fn == "mkstemp":
            out["r"] = mkstemp(step, st, args, kw)
        elif fn in ("TemporaryFile", "NamedTemporaryFile", "SpooledTemporaryFile",
                    "TemporaryDirectory"):
            obj = getattr(tempfile, fn)(*args, **kw)
            st.put(step["h"], obj)
            out["r"] = st.repr_of(obj)
        else:
            raise ValueError(f"unknown tempfile function {fn!r}")

    return {"tempfile": run}
