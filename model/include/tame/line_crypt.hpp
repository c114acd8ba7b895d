// Reference for the memory crypt blocks (blocks 2 and 3, spec section 3): block b of
// the 64-byte line at line address L = A >> 6, written with nonce N, is XORed with
// AES(K_mem, BE64(N) || BE56(L) || BYTE(b)). Encryption and decryption are the same.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "tame/aes.hpp"
#include "tame/bytes.hpp"
#include "tame/contract.hpp"

namespace tame {

inline constexpr std::size_t kLineSize = contract::kLineBytes;            // 64
inline constexpr std::size_t kBlocksPerLine = kLineSize / kAesBlockSize;  // 4
inline constexpr unsigned kLineAddrBits = contract::kLineAddrBits;       // the counter block's BE56 field
inline constexpr std::uint64_t kMaxLineAddr = (std::uint64_t{1} << kLineAddrBits) - 1;

using Line = std::array<std::uint8_t, kLineSize>;

// BE64(nonce) || BE56(line_addr) || BYTE(b). Throws tame::Error naming "line address"
// if line_addr does not fit in 56 bits, and naming "block" unless b < 4.
Block line_counter_block(std::uint64_t nonce, std::uint64_t line_addr, unsigned b);

// The key schedule is made once. All four counter blocks of a line (or of many lines,
// in crypt_lines) go through one EVP ECB call. One object must not be used by two
// threads at once.
class LineCrypt {
 public:
  explicit LineCrypt(std::span<const std::uint8_t> key);  // 16 or 32 bytes

  // One line: in.size() == out.size() == 64, in == out allowed.
  void crypt(std::uint64_t nonce, std::uint64_t line_addr, std::span<const std::uint8_t> in,
             std::span<std::uint8_t> out) const;

  // n whole lines, as `tame-sim line` runs a file: line i is at first_line_addr + i
  // with nonce first_nonce + i. in.size() a multiple of 64, out.size() == in.size(),
  // in == out allowed. Throws rather than let the nonce wrap past 2^64-1 or the line
  // address pass 2^56-1 inside the run.
  void crypt_lines(std::uint64_t first_nonce, std::uint64_t first_line_addr,
                   std::span<const std::uint8_t> in, std::span<std::uint8_t> out) const;

 private:
  AesEcb ecb_;
};

}  // namespace tame
