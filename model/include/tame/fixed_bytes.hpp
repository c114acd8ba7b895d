// Fixed-size byte strings for keys, digests and signatures, and the checked way to turn
// a span of unknown length (a message field, a hex argument) into one.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "tame/bytes.hpp"

namespace tame {

template <std::size_t N>
using FixedBytes = std::array<std::uint8_t, N>;
using Bytes32 = FixedBytes<32>;
using Bytes64 = FixedBytes<64>;

// Throws tame::Error "<field>: is K bytes, expected N" unless data.size() == n.
void check_size(std::span<const std::uint8_t> data, std::size_t n, std::string_view field);

template <std::size_t N>
FixedBytes<N> to_fixed(std::span<const std::uint8_t> data, std::string_view field) {
  check_size(data, N, field);
  FixedBytes<N> out;
  std::copy(data.begin(), data.end(), out.begin());
  return out;
}

// The bytes of a text label ("TAME-TA-sig-v1", "HPKE-v1"), without a terminator.
inline std::span<const std::uint8_t> text_bytes(std::string_view text) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Concatenation, the "||" of the spec and RFC 9180's concat().
template <class... Parts>
Bytes concat(const Parts&... parts) {
  Bytes out;
  out.reserve((std::span<const std::uint8_t>(parts).size() + ... + 0));
  (out.insert(out.end(), std::span<const std::uint8_t>(parts).begin(),
              std::span<const std::uint8_t>(parts).end()),
   ...);
  return out;
}

}  // namespace tame
