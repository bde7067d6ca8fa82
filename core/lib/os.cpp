// Python's os module over a Kernel (os.hpp).
