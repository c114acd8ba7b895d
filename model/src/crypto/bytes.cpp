// Hex parsing is strict on purpose: keys and nonces come in as hex on command lines,
// and a silently dropped digit would give a different key.
#include "tame/bytes.hpp"

#include <fmt/format.h>

namespace tame {

Error::Error(std::string_view field, std::string_view reason)
    : std::runtime_error(fmt::format("{}: {}", field, reason)) {}

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Shows the offending character so that a control byte stays readable.
std::string describe_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02x}", u);
}

}  // namespace

Bytes parse_hex(std::string_view text, std::string_view field) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (hex_value(text[i]) < 0) {
      throw Error(field, fmt::format("not a hex digit {} at position {}",
                                     describe_char(text[i]), i));
    }
  }
  if (text.size() % 2 != 0) {
    throw Error(field, fmt::format("odd number of hex digits ({})", text.size()));
  }
  Bytes out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<std::uint8_t>(hex_value(text[2 * i]) << 4 |
                                       hex_value(text[2 * i + 1]));
  }
  return out;
}

std::uint64_t parse_hex_u64(std::string_view text, std::string_view field) {
  const Bytes b = parse_hex(text, field);
  if (b.empty() || b.size() > 8) {
    throw Error(field, fmt::format("{} bytes, expected 1 to 8", b.size()));
  }
  std::uint64_t v = 0;
  for (const std::uint8_t x : b) v = v << 8 | x;
  return v;
}

std::string to_hex(std::span<const std::uint8_t> data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * data.size());
  for (std::uint8_t b : data) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

void store_be64(std::uint64_t value, std::uint8_t* out) noexcept {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(value);
    value >>= 8;
  }
}

std::uint64_t load_be64(const std::uint8_t* in) noexcept {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = value << 8 | in[i];
  return value;
}

}  // namespace tame
