#include "ctr_crypt_driver.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "key_port.hpp"
#include "wide.hpp"

namespace tame::sim {

CtrCryptDriver::CtrCryptDriver(std::uint64_t seed) : sim_(seed) { reset(); }

void CtrCryptDriver::idle_inputs() {
  auto& d = sim_.dut();
  d.zeroize_i = 0;
  d.key_valid_i = 0;
  d.req_valid_i = 0;
  d.in_valid_i = 0;
  d.in_last_i = 0;
  d.out_ready_i = 0;
}

void CtrCryptDriver::reset() {
  keys_.clear();
  idle_inputs();
  sim_.reset();
}

void CtrCryptDriver::drive_key() {
  auto& d = sim_.dut();
  d.key_valid_i = !keys_.empty();
  if (!keys_.empty()) tame::sim::drive_key(d, keys_.front().slot, keys_.front().key);
}

void CtrCryptDriver::queue_key_load(unsigned slot, std::span<const std::uint8_t> key) {
  if (slot >= kNumSlots) throw std::invalid_argument(fmt::format("key slot {} out of range", slot));
  check_key_size(key.size());
  keys_.push_back({slot, Bytes(key.begin(), key.end())});
}

void CtrCryptDriver::load_key(unsigned slot, std::span<const std::uint8_t> key) {
  if (slot >= kNumSlots) throw std::invalid_argument(fmt::format("key slot {} out of range", slot));
  sideload_key(sim_, slot, key, 1000);
}

void CtrCryptDriver::zeroize() {
  idle_inputs();
  sim_.zeroize();
}

bool CtrCryptDriver::slot_ready(unsigned slot) {
  sim_.settle();
  return (sim_.dut().slot_ready_o >> slot) & 1U;
}

CtrRunResult CtrCryptDriver::run(const std::vector<CtrJob>& jobs, Pressure pressure,
                                 std::mt19937_64& rng, std::uint64_t stop_after,
                                 const std::function<void(const CtrRunResult&)>& each_cycle) {
  auto& d = sim_.dut();
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  const bool gaps_in = pressure.in_valid < 1.0;
  const bool gaps_out = pressure.out_ready < 1.0;

  CtrRunResult r;
  std::size_t total_beats = 0;
  for (const auto& j : jobs) {
    if (j.data.empty() || j.data.size() % 16 != 0)
      throw std::invalid_argument("CtrJob data must be a non-zero multiple of 16 bytes");
    if (j.slot >= kNumSlots) throw std::invalid_argument("CtrJob slot out of range");
    total_beats += j.data.size() / 16;
    r.out.emplace_back();
    r.out.back().reserve(j.data.size());
  }
  r.beat_in_cycle.reserve(total_beats);

  // Expected order of output beats: (job, tag, last) in input order.
  struct Expect {
    std::uint32_t job;
    std::uint16_t tag;
    bool last;
  };
  std::deque<Expect> expect;

  std::size_t req_job = 0;             // next request to offer
  std::size_t data_job = 0, beat = 0;  // next beat to offer
  bool holding = false;                // a beat is on the bus and must stay until taken
  std::uint16_t next_tag = 0;
  std::uint8_t out_bytes[16];
  const std::uint64_t start = sim_.cycles();
  bool first_in = true;

  while (r.beats_out < total_beats) {
    const std::uint64_t now = sim_.cycles();
    if (now - start >= stop_after) {
      d.req_valid_i = d.in_valid_i = 0;  // stop offering and taking
      d.out_ready_i = 0;
      return r;
    }
    if (now - start > 64 * total_beats + 100000)
      throw std::runtime_error(fmt::format("no progress: {} of {} beats out after {} cycles",
                                           r.beats_out, total_beats, now - start));
    if (each_cycle) each_cycle(r);

    drive_key();
    d.req_valid_i = req_job < jobs.size();
    if (d.req_valid_i) {
      const CtrJob& j = jobs[req_job];
      d.req_slot_i = j.slot;
      d.req_nonce_i = j.nonce;
      d.req_index_i = j.index;
    }
    if (!holding && data_job < jobs.size() && (!gaps_in || coin(rng) < pressure.in_valid)) {
      const CtrJob& j = jobs[data_job];
      put_slice(d.in_data_i, 0, std::span(j.data).subspan(16 * beat, 16));
      d.in_tag_i = next_tag;
      d.in_last_i = (16 * (beat + 1) == j.data.size());
      holding = true;
    }
    d.in_valid_i = holding;
    d.out_ready_i = !gaps_out || coin(rng) < pressure.out_ready;
    sim_.settle();

    const bool key_taken = d.key_valid_i && d.key_ready_o;
    const bool req_taken = d.req_valid_i && d.req_ready_o;
    const bool in_taken = d.in_valid_i && d.in_ready_o;
    const bool out_taken = d.out_valid_o && d.out_ready_i;

    if (out_taken) {
      if (expect.empty()) throw std::runtime_error(fmt::format("cycle {}: output beat with none in flight", now));
      const Expect e = expect.front();
      expect.pop_front();
      if (d.out_tag_o != e.tag || bool(d.out_last_o) != e.last)
        throw std::runtime_error(fmt::format("cycle {}: output tag/last {}/{} but expected {}/{}",
                                             now, d.out_tag_o, d.out_last_o, e.tag, e.last));
      get_slice(d.out_data_o, 0, out_bytes);
      r.out[e.job].insert(r.out[e.job].end(), out_bytes, out_bytes + 16);
      ++r.beats_out;
      r.last_out_cycle = now;
    }
    if (in_taken) {
      const CtrJob& j = jobs[data_job];
      expect.push_back({static_cast<std::uint32_t>(data_job), next_tag, bool(d.in_last_i)});
      r.beat_in_cycle.push_back(now);
      if (first_in) r.first_in_cycle = now, first_in = false;
      ++next_tag;
      holding = false;
      if (16 * ++beat == j.data.size()) ++data_job, beat = 0;
    }
    if (req_taken) ++req_job;
    if (key_taken) {
      r.key_taken_cycle.push_back(now);
      keys_.pop_front();
    }
    sim_.posedge();
  }
  d.in_valid_i = 0;
  d.req_valid_i = 0;
  d.out_ready_i = 0;
  r.completed = true;
  return r;
}

}  // namespace tame::sim

namespace tame::sim {

std::vector<CtrJob> jobs_for_counter(unsigned slot, std::span<const std::uint8_t, 16> iv,
                                     std::span<const std::uint8_t> data) {
  std::vector<CtrJob> jobs;
  std::uint64_t nonce = load_be64(iv.data());
  std::uint64_t index = load_be64(iv.data() + 8);
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::uint64_t blocks_left = (data.size() - pos + 15) / 16;
    const std::uint64_t before_wrap = ~index + 1;  // blocks until index wraps; 0 means 2^64
    const std::uint64_t blocks = (before_wrap == 0 || blocks_left < before_wrap) ? blocks_left : before_wrap;
    const std::size_t take = std::min<std::size_t>(data.size() - pos, 16 * blocks);
    CtrJob job{slot, nonce, index, Bytes(data.begin() + pos, data.begin() + pos + take)};
    job.data.resize(16 * blocks, 0);
    jobs.push_back(std::move(job));
    pos += take;
    index += blocks;
    if (index == 0) ++nonce;  // the carry OpenSSL makes into the upper 64 bits
  }
  return jobs;
}

}  // namespace tame::sim
