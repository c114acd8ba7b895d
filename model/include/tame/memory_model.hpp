// Reference of the whole memory path (spec section 1, steps 3-5) for the RTL scoreboard
// and the tests: DRAM holding ciphertext lines with their nonces, and the trust anchor's
// per-slot session keys and nonce counters that fill it and read it back.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "tame/disk_crypt.hpp"  // kPageSize
#include "tame/line_crypt.hpp"
#include "tame/nonce_source.hpp"

namespace tame {

inline constexpr unsigned kPhysAddrBits = 48;
inline constexpr std::uint64_t kDramLineCount = std::uint64_t{1} << (kPhysAddrBits - 6);
inline constexpr std::uint64_t kLinesPerPage = kPageSize / kLineSize;  // 64
inline constexpr std::size_t kDramRecordSize = contract::kDramRecordBytes;  // dump record: 8 + 8 + kLineSize
static_assert(kLinesPerPage == contract::kLinesPerPage && kDramRecordSize == 8 + 8 + kLineSize);
static_assert(kLineSize == std::size_t{1} << contract::kLineShift);

// What DRAM holds for one line: the nonce beside the ciphertext (spec section 3).
struct DramLine {
  std::uint64_t nonce;
  std::array<std::uint8_t, kLineSize> ct;
  bool operator==(const DramLine&) const = default;
};

// Sparse DRAM, keyed by line address (byte address >> 6). Physical addresses are below
// 2^48, so line addresses are below 2^42; a larger one throws tame::Error.
class Dram {
 public:
  static void check_line_addr(std::uint64_t line_addr);

  void write(std::uint64_t line_addr, const DramLine& line);
  std::optional<DramLine> read(std::uint64_t line_addr) const;  // nullopt: never written
  std::size_t size() const noexcept { return lines_.size(); }
  const std::map<std::uint64_t, DramLine>& lines() const noexcept { return lines_; }

  // One 80-byte record per line in address order: BE64(byte address) || BE64(nonce) ||
  // 64 ciphertext bytes. The file appears whole or not at all.
  void dump(const std::filesystem::path& path) const;

 private:
  std::map<std::uint64_t, DramLine> lines_;
};

// Several VMs, one key slot each. Pages booted and lines written back are encrypted with
// the slot's key and nonces from the slot's counter; reads decrypt what DRAM holds, so a
// tampered DRAM shows up as garbage. The keys stay inside (no accessor returns them).
class MemorySystem {
 public:
  explicit MemorySystem(unsigned num_slots, std::uint64_t nonce_reserve = 0);

  // A new session key (16 or 32 bytes) in the slot: its nonce counter restarts at 1 and
  // its old plaintext expectations are dropped (lines under the old key stay in DRAM).
  void load_key(unsigned slot, std::span<const std::uint8_t> key);

  // Step 4: the page's 64 lines, in address order, each with the slot's next nonce.
  // page_byte_addr is 4096-aligned and below 2^48; plain is 4096 bytes. All or nothing:
  // if the slot has fewer than 64 nonces left, it throws and DRAM is unchanged.
  void boot_page(unsigned slot, std::uint64_t page_byte_addr,
                 std::span<const std::uint8_t> plain);

  // Step 5: what a core of the slot's VM sees: the DRAM line decrypted under that slot's
  // key with the nonce stored beside it. Throws if the line was never written.
  Line read_line(unsigned slot, std::uint64_t line_addr) const;

  // Step 5, write-back from L2: plain (64 bytes) under a fresh nonce.
  void write_back(unsigned slot, std::uint64_t line_addr, std::span<const std::uint8_t> plain);

  // The plaintext the slot's VM last wrote at line_addr, if that write is still the
  // newest there under the slot's current key; nullopt otherwise.
  std::optional<Line> expected_line(unsigned slot, std::uint64_t line_addr) const;

  const Dram& dram() const noexcept { return dram_; }
  // DRAM is outside the trust boundary: tests tamper with it as a hypervisor could.
  Dram& dram() noexcept { return dram_; }
  const NonceSource& nonces() const noexcept { return nonces_; }

 private:
  struct Expected {
    unsigned slot;
    Line plain;
  };
  const LineCrypt& crypt_for(unsigned slot) const;
  void store(unsigned slot, std::uint64_t line_addr, std::uint64_t nonce,
             std::span<const std::uint8_t> ct, std::span<const std::uint8_t> plain);

  NonceSource nonces_;
  std::vector<std::optional<LineCrypt>> keys_;  // by slot
  Dram dram_;
  std::map<std::uint64_t, Expected> expected_;  // by line address: the newest writer
};

}  // namespace tame
