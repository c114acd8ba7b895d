// The disk crypt reference runs EVP AES-CTR from the run's first counter block: within
// a run the 64-bit index never wraps (checked), so OpenSSL's 128-bit increment gives
// exactly nonce || index + k, at the speed `openssl speed -evp` measures.
#include "tame/disk_crypt.hpp"

#include <limits>

#include <fmt/format.h>

namespace tame {

Block counter_block(std::uint64_t ctr_nonce, std::uint64_t block_index) noexcept {
  Block b;
  store_be64(ctr_nonce, b.data());
  store_be64(block_index, b.data() + 8);
  return b;
}

DiskCrypt::DiskCrypt(std::span<const std::uint8_t> key, std::uint64_t ctr_nonce)
    : nonce_(ctr_nonce), ctr_(key, counter_block(ctr_nonce, 0)) {}

void DiskCrypt::crypt_blocks(std::uint64_t first_block_index,
                             std::span<const std::uint8_t> in,
                             std::span<std::uint8_t> out) const {
  if (in.size() % kAesBlockSize != 0) {
    throw Error("in", fmt::format("{} bytes is not a whole number of 16-byte blocks",
                                  in.size()));
  }
  if (out.size() != in.size()) {
    throw Error("out", fmt::format("output is {} bytes but input is {}", out.size(),
                                   in.size()));
  }
  const std::uint64_t nblocks = in.size() / kAesBlockSize;
  if (nblocks == 0) return;
  if (first_block_index > std::numeric_limits<std::uint64_t>::max() - (nblocks - 1)) {
    throw Error("first_block_index",
                fmt::format("{} blocks from index {} pass 2^64-1; the 64-bit block "
                            "index must not wrap",
                            nblocks, first_block_index));
  }
  ctr_.reset(counter_block(nonce_, first_block_index));
  ctr_.process(in, out);
}

void DiskCrypt::crypt_page(std::uint64_t page_index, std::span<const std::uint8_t> in,
                           std::span<std::uint8_t> out) const {
  if (in.size() != kPageSize) {
    throw Error("in", fmt::format("page is {} bytes, expected {}", in.size(), kPageSize));
  }
  if (page_index > std::numeric_limits<std::uint64_t>::max() / kBlocksPerPage) {
    throw Error("page_index", fmt::format("{} is too large: its block index 256*p "
                                          "does not fit in 64 bits",
                                          page_index));
  }
  crypt_blocks(page_index * kBlocksPerPage, in, out);
}

Bytes keystream(std::span<const std::uint8_t> key, std::uint64_t ctr_nonce,
                std::uint64_t first_block_index, std::size_t nblocks) {
  if (nblocks > std::numeric_limits<std::size_t>::max() / kAesBlockSize) {
    throw Error("nblocks", fmt::format("{} blocks do not fit in memory", nblocks));
  }
  Bytes out(nblocks * kAesBlockSize, 0);  // keystream = encryption of zeros
  DiskCrypt(key, ctr_nonce).crypt_blocks(first_block_index, out, out);
  return out;
}

}  // namespace tame
