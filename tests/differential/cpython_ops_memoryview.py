"""cpython_driver.py's ops for memoryview (FORMAT.md, "#### memoryview")."""


def ops(driver):
    """op name -> fn(step, st, out); `driver` is cpython_driver (conv, encode, ...)."""

    def make(step, st, out):
        of = step["of"]
        source = st.get(of["h"]) if isinstance(of, dict) and "h" in of else driver.conv(of, st)
        view = memoryview(source)
        st.put(step["h"], view)
        out["r"] = st.repr_of(view)

    return {"memoryview": make}
