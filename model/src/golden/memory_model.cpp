// DRAM is a std::map so that dumps and scoreboards see lines in address order; the
// expectations keep one writer per line, because a line in DRAM has one owner at a time.
#include "tame/memory_model.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "tame/atomic_file.hpp"

namespace tame {

void Dram::check_line_addr(std::uint64_t line_addr) {
  if (line_addr >= kDramLineCount) {
    throw Error("line address",
                fmt::format("0x{:x} is beyond the {}-bit physical address space (line "
                            "addresses below 0x{:x})",
                            line_addr, kPhysAddrBits, kDramLineCount));
  }
}

void Dram::write(std::uint64_t line_addr, const DramLine& line) {
  check_line_addr(line_addr);
  lines_.insert_or_assign(line_addr, line);
}

std::optional<DramLine> Dram::read(std::uint64_t line_addr) const {
  check_line_addr(line_addr);
  const auto it = lines_.find(line_addr);
  if (it == lines_.end()) return std::nullopt;
  return it->second;
}

void Dram::dump(const std::filesystem::path& path) const {
  AtomicFile file(path);
  std::array<std::uint8_t, kDramRecordSize> record;
  for (const auto& [line_addr, line] : lines_) {
    store_be64(line_addr * kLineSize, record.data());
    store_be64(line.nonce, record.data() + 8);
    std::copy(line.ct.begin(), line.ct.end(), record.begin() + 16);
    file.write(record);
  }
  file.commit();
}

MemorySystem::MemorySystem(unsigned num_slots, std::uint64_t nonce_reserve)
    : nonces_(num_slots, nonce_reserve), keys_(num_slots) {}

void MemorySystem::load_key(unsigned slot, std::span<const std::uint8_t> key) {
  LineCrypt crypt(key);      // a bad key throws before anything changes
  nonces_.key_loaded(slot);  // checks the slot
  keys_[slot].emplace(std::move(crypt));
  std::erase_if(expected_, [slot](const auto& e) { return e.second.slot == slot; });
}

const LineCrypt& MemorySystem::crypt_for(unsigned slot) const {
  if (!nonces_.has_key(slot)) {  // checks the range too
    throw Error("slot", fmt::format("{} has no key loaded", slot));
  }
  return *keys_[slot];
}

void MemorySystem::store(unsigned slot, std::uint64_t line_addr, std::uint64_t nonce,
                         std::span<const std::uint8_t> ct, std::span<const std::uint8_t> plain) {
  DramLine line{.nonce = nonce, .ct = {}};
  std::copy(ct.begin(), ct.end(), line.ct.begin());
  Expected exp{.slot = slot, .plain = {}};
  std::copy(plain.begin(), plain.end(), exp.plain.begin());
  dram_.write(line_addr, line);
  expected_.insert_or_assign(line_addr, exp);
}

void MemorySystem::boot_page(unsigned slot, std::uint64_t page_byte_addr,
                             std::span<const std::uint8_t> plain) {
  if (page_byte_addr % kPageSize != 0) {
    throw Error("page address", fmt::format("0x{:x} is not {}-byte aligned", page_byte_addr,
                                            kPageSize));
  }
  if (plain.size() != kPageSize) {
    throw Error("page", fmt::format("{} bytes, expected {}", plain.size(), kPageSize));
  }
  const std::uint64_t first_line = page_byte_addr / kLineSize;
  Dram::check_line_addr(first_line + kLinesPerPage - 1);
  const LineCrypt& crypt = crypt_for(slot);

  const std::uint64_t first_nonce = nonces_.next_run(slot, kLinesPerPage);
  std::array<std::uint8_t, kPageSize> ct;
  crypt.crypt_lines(first_nonce, first_line, plain, ct);
  for (std::uint64_t i = 0; i < kLinesPerPage; ++i) {
    store(slot, first_line + i, first_nonce + i, std::span(ct).subspan(i * kLineSize, kLineSize),
          plain.subspan(i * kLineSize, kLineSize));
  }
}

Line MemorySystem::read_line(unsigned slot, std::uint64_t line_addr) const {
  const LineCrypt& crypt = crypt_for(slot);
  const std::optional<DramLine> line = dram_.read(line_addr);
  if (!line) {
    throw Error("line address", fmt::format("0x{:x}: nothing was written there", line_addr));
  }
  Line plain;
  crypt.crypt(line->nonce, line_addr, line->ct, plain);
  return plain;
}

void MemorySystem::write_back(unsigned slot, std::uint64_t line_addr,
                              std::span<const std::uint8_t> plain) {
  if (plain.size() != kLineSize) {
    throw Error("line", fmt::format("{} bytes, expected {}", plain.size(), kLineSize));
  }
  Dram::check_line_addr(line_addr);
  const LineCrypt& crypt = crypt_for(slot);
  const std::uint64_t nonce = nonces_.next(slot);
  Line ct;
  crypt.crypt(nonce, line_addr, plain, ct);
  store(slot, line_addr, nonce, ct, plain);
}

std::optional<Line> MemorySystem::expected_line(unsigned slot, std::uint64_t line_addr) const {
  if (!nonces_.has_key(slot)) return std::nullopt;  // checks the range too
  const auto it = expected_.find(line_addr);
  if (it == expected_.end() || it->second.slot != slot) return std::nullopt;
  return it->second.plain;
}

}  // namespace tame
