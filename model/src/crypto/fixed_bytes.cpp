// Size checks for fixed-length fields.
#include "tame/fixed_bytes.hpp"

#include <fmt/format.h>

namespace tame {

void check_size(std::span<const std::uint8_t> data, std::size_t n, std::string_view field) {
  if (data.size() != n) {
    throw Error(field, fmt::format("is {} bytes, expected {}", data.size(), n));
  }
}

}  // namespace tame
