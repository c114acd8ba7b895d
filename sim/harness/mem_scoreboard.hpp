// The reference side of the memory-path tests: the session keys, what every line should
// hold, harness models of DRAM (with its nonce sideband) and of the shared L3, and the
// checks of every line that leaves the RTL against the golden model (tame::LineCrypt):
//   toward DRAM or L3: a nonce never used before under that key, the ciphertext equal
//   to the model's for that nonce and address, and never equal to the plaintext;
//   toward an L2: the plaintext the VM wrote, or, for a line the core must not read,
//   anything but that plaintext.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mem_ports.hpp"
#include "tame/line_crypt.hpp"
#include "tame/memory_model.hpp"

namespace tame::sim {

class MemScoreboard {
 public:
  MemScoreboard(unsigned num_slots, std::size_t l3_capacity_lines);

  // A new session key for the slot; its nonces start again.
  void load_key(unsigned slot, std::span<const std::uint8_t> key);
  // Forget every stored line and expectation (after a reset: DRAM is garbage now).
  void clear_memory();

  // ---- what the host reads: L3 first, then DRAM
  struct Stored {
    DramLine line;        // nonce and ciphertext, as stored
    unsigned slot;        // the VM that wrote it
    Line plain;           // what that VM wrote
  };
  std::optional<Stored> fetch(std::uint64_t line) const;
  const Dram& dram() const { return dram_; }
  std::size_t l3_size() const { return l3_.size(); }

  // ---- expectations, in the order the RTL takes the requests
  void expect_page(unsigned slot, std::uint64_t first_line, std::span<const std::uint8_t> page);
  // plain: what the core must see; foreign: what it must not see (a line it cannot read).
  void expect_fill(unsigned core, std::uint64_t line, std::optional<Line> plain, std::optional<Line> foreign);
  void expect_write_back(unsigned core, unsigned slot, const LinePlain& wb);

  // ---- checks of what came out; failures go to errors()
  void check_dram(const std::vector<LineWrite>& writes);
  void check_l2(unsigned core, const std::vector<LinePlain>& lines);
  void check_l3(unsigned core, const std::vector<LineWrite>& writes);
  // Every nonce used under the slot in this session, 1..n with none twice.
  bool nonces_dense(unsigned slot) const;
  std::uint64_t nonces_used(unsigned slot) const { return used_[slot].size(); }

  const std::vector<std::string>& errors() const { return errors_; }  // the first 20
  std::uint64_t failures() const { return failures_; }               // all of them
  std::uint64_t lines_checked() const { return checked_; }

 private:
  struct Write {
    unsigned slot;
    std::uint64_t line;
    Line plain;
  };
  struct Read {
    std::uint64_t line;
    std::optional<Line> plain, foreign;
  };
  void check_write(const char* where, const Write& want, const LineWrite& got);
  void fail(std::string what);

  std::vector<std::optional<LineCrypt>> keys_;
  std::vector<std::set<std::uint64_t>> used_;   // nonces per slot, this session
  Dram dram_;
  std::map<std::uint64_t, Stored> shadow_;      // newest stored copy of each line
  std::map<std::uint64_t, DramLine> l3_;
  std::size_t l3_capacity_;
  std::deque<Write> dram_expect_;
  std::vector<std::deque<Read>> fill_expect_;
  std::vector<std::deque<Write>> wb_expect_;
  std::vector<std::string> errors_;
  std::uint64_t checked_ = 0;
  std::uint64_t failures_ = 0;
};

}  // namespace tame::sim
