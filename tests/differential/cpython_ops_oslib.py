"""cpython_driver.py's ops for os, os.path and shutil (FORMAT.md "#### os, os.path and shutil")."""

import os
import stat
import shutil


def ops(driver):
    """op name -> fn(step, st, out); `driver` is cpython_driver (conv, encode, ...)."""

    def arg(v, st):
        """{"fd": H} is the descriptor bound to H, {"h": H} the handle; the rest as conv."""
        if isinstance(v, dict) and "fd" in v:
            return st.get(v["fd"])
        if isinstance(v, dict) and "h" in v:
            return st.get(v["h"])
        return driver.conv(v, st)

    def args_of(step, st):
        return [arg(v, st) for v in step.get("args", [])]

    def new_fd(st, fd, name):
        st.fixed_fds.append(fd)
        if name is not None:
            st.put(name, fd)
        return st.fd(fd)

    def stat_value(s):
        if not stat.S_ISREG(s.st_mode):
            return [s.st_mode, None, None]
        return [s.st_mode, s.st_size, s.st_nlink]

    def oscall(step, st, out):
        fn = step["fn"]
        args = args_of(step, st)
        if fn == "open":
            out["r"] = new_fd(st, os.open(*args), step.get("as"))
        elif fn == "pipe":
            r, w = os.pipe()
            names = step.get("as") or [None, None]
            out["r"] = [new_fd(st, r, names[0]), new_fd(st, w, names[1])]
        elif fn in ("stat", "fstat"):
            out["r"] = stat_value(getattr(os, fn)(*args))
        elif fn == "listdir":
            out["r"] = sorted(os.listdir(*args))
        elif fn in ("read", "pread", "write", "pwrite", "lseek", "close", "fsync", "fdatasync",
                    "ftruncate", "sendfile", "copy_file_range", "rename", "replace", "remove",
                    "unlink", "chmod", "mkdir", "rmdir", "getcwd"):
            out["r"] = driver.encode(getattr(os, fn)(*args), st)
        elif fn == "constant":
            out["r"] = getattr(os, args[0])
        else:
            raise AttributeError(f"module 'os' has no attribute '{fn}'")

    def path(step, st, out):
        fn = step["fn"]
        if fn not in ("join", "split", "dirname", "basename", "isabs", "normpath", "abspath",
                      "exists", "isfile", "isdir", "getsize", "samefile"):
            raise AttributeError(f"module 'posixpath' has no attribute '{fn}'")
        out["r"] = driver.encode(getattr(os.path, fn)(*args_of(step, st)), st)

    def shutil_op(step, st, out):
        fn = step["fn"]
        if fn not in ("copyfileobj", "copyfile", "copy", "copymode"):
            raise AttributeError(f"module 'shutil' has no attribute '{fn}'")
        saved = shutil._USE_CP_SENDFILE
        shutil._USE_CP_SENDFILE = step.get("sendfile", True)
        try:
            out["r"] = driver.encode(getattr(shutil, fn)(*args_of(step, st)), st)
        finally:
            shutil._USE_CP_SENDFILE = saved

    return {"oscall": oscall, "path": path, "shutil": shutil_op}
