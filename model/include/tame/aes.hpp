// AES as the RTL uses it: the forward cipher only (CTR never needs the inverse),
// AES-128 and AES-256 (the design has no AES-192), and round keys expanded here so
// that RTL tests can compare their key-expansion block against the model.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "tame/evp.hpp"

namespace tame {

using Block = std::array<std::uint8_t, 16>;
inline constexpr std::size_t kAesBlockSize = 16;

// Throws tame::Error naming `field` unless the key is 16 or 32 bytes.
void check_aes_key(std::span<const std::uint8_t> key, std::string_view field);

// FIPS-197 S-box, for tests that check an RTL S-box ROM.
std::uint8_t aes_sbox(std::uint8_t x) noexcept;

// FIPS-197 key expansion: 11 round keys for AES-128, 15 for AES-256. Round key r
// is the words w[4r..4r+3], each word's bytes in order (round key 0 is the key's
// first 16 bytes).
std::vector<Block> expand_round_keys(std::span<const std::uint8_t> key);

// The AES forward cipher on single blocks. The EVP context is made once; calls
// reuse it, so one object must not be used by two threads at once.
class AesEcb {
 public:
  explicit AesEcb(std::span<const std::uint8_t> key);
  Block encrypt(const Block& in) const;
  // in.size() a multiple of 16, out.size() == in.size(); in == out is allowed.
  void encrypt_blocks(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) const;

 private:
  mutable CipherCtxPtr ctx_;  // EVP updates mutate it; the cipher's result does not
};

// AES-CTR exactly as OpenSSL does it: the whole 128-bit counter block increments as
// one big-endian number, and a stream may be fed in pieces of any length.
class AesCtr {
 public:
  AesCtr(std::span<const std::uint8_t> key, const Block& iv);
  // out.size() == in.size(); in == out is allowed. Encrypt and decrypt are the same.
  void process(std::span<const std::uint8_t> in, std::span<std::uint8_t> out);
  // Restarts the stream at a new counter block, keeping the expanded key.
  void reset(const Block& iv);

 private:
  CipherCtxPtr ctx_;
};

}  // namespace tame
