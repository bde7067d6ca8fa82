// repr() of a Python float: the shortest decimal string that reads back as the same double,
// laid out as CPython does ('1.0', '0.1', '1e+16', '1e-05', '-0.0', 'inf', 'nan').
//
// memoryview.tolist() of 'f' and 'd' items gives floats, and the differential tests compare
// them as their reprs. libc++ 14 has no floating-point std::to_chars, so the shortest digits
// come from the C library's correctly rounded printf and strtod.
#pragma once

#include <string>

namespace bl::buffer {

std::string float_repr(double value);

}  // namespace bl::buffer
