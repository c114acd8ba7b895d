// Reference for the disk crypt block (block 1, spec section 2): image page p, block j
// is XORed with AES(K_img, ctr_nonce || BE64(256*p + j)), so the whole payload is one
// AES-CTR stream from ctr_nonce || 0, and any page can be decrypted on its own.
#pragma once

#include <cstdint>
#include <span>

#include "tame/aes.hpp"
#include "tame/bytes.hpp"
#include "tame/contract.hpp"

namespace tame {

inline constexpr std::size_t kPageSize = contract::kPageBytes;               // 4096
inline constexpr std::uint64_t kBlocksPerPage = kPageSize / kAesBlockSize;  // 256
static_assert(kBlocksPerPage == contract::kBeatsPerPage && kAesBlockSize == contract::kBeatBytes);

// BE64(ctr_nonce) || BE64(block_index).
Block counter_block(std::uint64_t ctr_nonce, std::uint64_t block_index) noexcept;

// Encrypts and decrypts (the same operation). The key schedule is made once; one
// object must not be used by two threads at once.
class DiskCrypt {
 public:
  DiskCrypt(std::span<const std::uint8_t> key, std::uint64_t ctr_nonce);

  // in.size() a multiple of 16, out.size() == in.size(), in == out allowed. Throws if
  // the 64-bit block index would wrap inside the run: the RTL counts in 64 bits, while
  // EVP would carry into the nonce half.
  void crypt_blocks(std::uint64_t first_block_index, std::span<const std::uint8_t> in,
                    std::span<std::uint8_t> out) const;

  // One 4096-byte page; its blocks use indices 256*page_index + j.
  void crypt_page(std::uint64_t page_index, std::span<const std::uint8_t> in,
                  std::span<std::uint8_t> out) const;

  std::uint64_t ctr_nonce() const noexcept { return nonce_; }

 private:
  std::uint64_t nonce_;
  mutable AesCtr ctr_;  // re-pointed at each run's first counter block
};

// nblocks blocks of keystream starting at first_block_index.
Bytes keystream(std::span<const std::uint8_t> key, std::uint64_t ctr_nonce,
                std::uint64_t first_block_index, std::size_t nblocks);

}  // namespace tame
