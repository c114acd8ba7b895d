// Byte strings, hex text and big-endian integers: the small vocabulary that every
// part of the TAME model (image header, lines, protocol messages) is written in.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tame {

using Bytes = std::vector<std::uint8_t>;

// Every error the model raises. The message starts with the field it is about,
// then the reason ("--key-hex: odd number of hex digits (31)"), so a tool can print
// it as its one line on stderr.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
  Error(std::string_view field, std::string_view reason);
};

// Hex text to bytes. Upper and lower case are accepted; the empty string gives no
// bytes. Positions in error messages count characters from 0.
Bytes parse_hex(std::string_view text, std::string_view field);

// A number of up to 64 bits written in hex, big-endian, by the same rules as parse_hex
// (an even number of digits: "0a", not "a"), 1 to 8 bytes.
std::uint64_t parse_hex_u64(std::string_view text, std::string_view field);

// Bytes to lowercase hex, the spelling the spec uses.
std::string to_hex(std::span<const std::uint8_t> data);

void store_be64(std::uint64_t value, std::uint8_t* out) noexcept;
std::uint64_t load_be64(const std::uint8_t* in) noexcept;

}  // namespace tame
