#include "mem_scoreboard.hpp"

#include <fmt/format.h>

namespace tame::sim {

MemScoreboard::MemScoreboard(unsigned num_slots, std::size_t l3_capacity_lines)
    : keys_(num_slots), used_(num_slots), l3_capacity_(l3_capacity_lines) {}

void MemScoreboard::load_key(unsigned slot, std::span<const std::uint8_t> key) {
  keys_.at(slot).emplace(key);
  used_.at(slot).clear();
}

void MemScoreboard::clear_memory() {
  dram_ = Dram{};
  shadow_.clear();
  l3_.clear();
  dram_expect_.clear();
  fill_expect_.clear();
  wb_expect_.clear();
}

std::optional<MemScoreboard::Stored> MemScoreboard::fetch(std::uint64_t line) const {
  const auto s = shadow_.find(line);
  if (s == shadow_.end()) return std::nullopt;
  Stored out = s->second;
  if (const auto c = l3_.find(line); c != l3_.end()) out.line = c->second;
  else out.line = *dram_.read(line);
  return out;
}

void MemScoreboard::expect_page(unsigned slot, std::uint64_t first_line, std::span<const std::uint8_t> page) {
  for (std::uint64_t i = 0; i < kLinesPerPage; ++i) {
    Write w{slot, first_line + i, {}};
    std::copy_n(page.begin() + kLineSize * i, kLineSize, w.plain.begin());
    dram_expect_.push_back(w);
  }
}

void MemScoreboard::expect_fill(unsigned core, std::uint64_t line, std::optional<Line> plain,
                                std::optional<Line> foreign) {
  if (fill_expect_.size() <= core) fill_expect_.resize(core + 1);
  fill_expect_[core].push_back({line, plain, foreign});
}

void MemScoreboard::expect_write_back(unsigned core, unsigned slot, const LinePlain& wb) {
  if (wb_expect_.size() <= core) wb_expect_.resize(core + 1);
  wb_expect_[core].push_back({slot, wb.line, wb.data});
}

void MemScoreboard::fail(std::string what) {
  ++failures_;
  if (errors_.size() < 20) errors_.push_back(std::move(what));
}

void MemScoreboard::check_write(const char* where, const Write& want, const LineWrite& got) {
  ++checked_;
  if (got.line != want.line) {
    fail(fmt::format("{}: line {:#x} came out, {:#x} expected", where, got.line, want.line));
    return;
  }
  if (!keys_[want.slot]) {
    fail(fmt::format("{}: line {:#x} written under slot {}, which has no key", where, got.line, want.slot));
    return;
  }
  if (!used_[want.slot].insert(got.nonce).second)
    fail(fmt::format("{}: nonce {} used twice under slot {} (line {:#x})", where, got.nonce, want.slot, got.line));
  Line model;
  keys_[want.slot]->crypt(got.nonce, got.line, want.plain, model);
  if (model != got.data)
    fail(fmt::format("{}: line {:#x} nonce {}: ciphertext differs from the model", where, got.line, got.nonce));
  if (got.data == want.plain) fail(fmt::format("{}: line {:#x} left in plaintext", where, got.line));
}

void MemScoreboard::check_dram(const std::vector<LineWrite>& writes) {
  for (const auto& w : writes) {
    if (dram_expect_.empty()) {
      fail(fmt::format("dram: unexpected write of line {:#x}", w.line));
      continue;
    }
    const Write want = dram_expect_.front();
    dram_expect_.pop_front();
    check_write("dram", want, w);
    dram_.write(w.line, {w.nonce, w.data});
    l3_.erase(w.line);  // an older copy in L3 is stale now
    shadow_[w.line] = {{w.nonce, w.data}, want.slot, want.plain};
  }
}

void MemScoreboard::check_l3(unsigned core, const std::vector<LineWrite>& writes) {
  for (const auto& w : writes) {
    if (wb_expect_.size() <= core || wb_expect_[core].empty()) {
      fail(fmt::format("core {} l3: unexpected write-back of line {:#x}", core, w.line));
      continue;
    }
    const Write want = wb_expect_[core].front();
    wb_expect_[core].pop_front();
    check_write(fmt::format("core {} l3", core).c_str(), want, w);
    l3_[w.line] = {w.nonce, w.data};
    shadow_[w.line] = {{w.nonce, w.data}, want.slot, want.plain};
    if (l3_.size() > l3_capacity_) {  // the shared L3 is small: the oldest address goes to DRAM
      const auto victim = l3_.begin();
      dram_.write(victim->first, victim->second);
      l3_.erase(victim);
    }
  }
}

void MemScoreboard::check_l2(unsigned core, const std::vector<LinePlain>& lines) {
  for (const auto& p : lines) {
    ++checked_;
    if (fill_expect_.size() <= core || fill_expect_[core].empty()) {
      fail(fmt::format("core {} l2: unexpected fill of line {:#x}", core, p.line));
      continue;
    }
    const Read want = fill_expect_[core].front();
    fill_expect_[core].pop_front();
    if (p.line != want.line)
      fail(fmt::format("core {} l2: line {:#x} came out, {:#x} expected", core, p.line, want.line));
    if (want.plain && p.data != *want.plain)
      fail(fmt::format("core {} l2: line {:#x} is not what its VM wrote", core, p.line));
    if (want.foreign && p.data == *want.foreign)
      fail(fmt::format("core {} l2: line {:#x} gave a plaintext this core must not see", core, p.line));
  }
}

bool MemScoreboard::nonces_dense(unsigned slot) const {
  const auto& u = used_.at(slot);
  return u.empty() || (*u.begin() == 1 && *u.rbegin() == u.size());
}

}  // namespace tame::sim
