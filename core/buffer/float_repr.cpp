#include "buffer/float_repr.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace bl::buffer {

namespace {

// A positive decimal: mantissa * 10**exponent.
struct Decimal {
  std::uint64_t mantissa;
  int exponent;
};

double read_back(Decimal d) {
  char text[48];
  std::snprintf(text, sizeof text, "%llue%d", static_cast<unsigned long long>(d.mantissa),
                d.exponent);
  return std::strtod(text, nullptr);
}

// `value` (positive, finite) correctly rounded to `digits` significant digits.
Decimal rounded(double value, int digits) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*e", digits - 1, value);
  Decimal d{0, 0};
  const char* p = text;
  for (; *p != 'e'; ++p) {
    if (*p != '.') d.mantissa = d.mantissa * 10 + static_cast<std::uint64_t>(*p - '0');
  }
  d.exponent = std::atoi(p + 1) - (digits - 1);
  return d;
}

// The shortest decimal that reads back as `value`; among equally short ones, the nearest.
// Near a power of two the correctly rounded candidate can miss the (asymmetric) rounding
// interval while a neighbour hits it, so the neighbours are tried too.
Decimal shortest(double value) {
  for (int digits = 1; digits < 17; ++digits) {
    Decimal r = rounded(value, digits);
    if (read_back(r) == value) return r;
    for (std::uint64_t m : {r.mantissa - 1, r.mantissa + 1}) {
      Decimal n{m, r.exponent};
      if (m > 0 && read_back(n) == value) return n;
    }
  }
  return rounded(value, 17);
}

std::string layout(bool negative, Decimal d) {
  while (d.mantissa % 10 == 0) {
    d.mantissa /= 10;
    ++d.exponent;
  }
  std::string digits = std::to_string(d.mantissa);
  int n = static_cast<int>(digits.size());
  int point = n + d.exponent;  // value = 0.digits * 10**point
  std::string out = negative ? "-" : "";
  if (point > 16 || point < -3) {
    out += digits[0];
    if (n > 1) out += "." + digits.substr(1);
    int e = point - 1;
    std::string exponent = std::to_string(std::abs(e));
    if (exponent.size() < 2) exponent.insert(0, "0");
    return out + (e < 0 ? "e-" : "e+") + exponent;
  }
  if (point <= 0) return out + "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  if (point >= n) return out + digits + std::string(static_cast<std::size_t>(point - n), '0') + ".0";
  return out + digits.substr(0, static_cast<std::size_t>(point)) + "." +
         digits.substr(static_cast<std::size_t>(point));
}

}  // namespace

std::string float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  if (value == 0.0) return std::signbit(value) ? "-0.0" : "0.0";
  return layout(std::signbit(value), shortest(std::fabs(value)));
}

}  // namespace bl::buffer
