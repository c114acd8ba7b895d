// Drives the disk crypt block (rtl/crypt/tame_ctr_crypt.sv): key sideloads, requests and
// data beats in, beats out, with random gaps on input valid and output ready. It checks
// the stream rules itself (tags and last flags come back in order, nothing appears from
// nowhere) and leaves the data comparison to the tests, which use the model.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <span>
#include <vector>

#include "Vtame_ctr_crypt.h"
#include "clocked.hpp"
#include "tame/bytes.hpp"
#include "tame/contract.hpp"

namespace tame::sim {

// One run of beats under one request. data.size() is a non-zero multiple of 16.
struct CtrJob {
  unsigned slot = 0;
  std::uint64_t nonce = 0;
  std::uint64_t index = 0;
  Bytes data;
};

// Probability per cycle that a new input beat is offered, and that output is taken.
struct Pressure {
  double in_valid = 1.0;
  double out_ready = 1.0;
};

struct CtrRunResult {
  std::vector<Bytes> out;                     // per job, the beats that came out
  std::vector<std::uint64_t> beat_in_cycle;   // per beat in input order: cycle admitted
  std::vector<std::uint64_t> key_taken_cycle; // per queued key load: cycle it was taken
  std::uint64_t first_in_cycle = 0;
  std::uint64_t last_out_cycle = 0;
  std::uint64_t beats_out = 0;
  bool completed = false;                     // false when stopped early (stop_after)
};

class CtrCryptDriver {
 public:
  static constexpr unsigned kNumSlots = contract::kKeySlots;

  explicit CtrCryptDriver(std::uint64_t seed);

  // Idle inputs, then the reset pin: clears keys and traffic.
  void reset();
  // Loads a key and waits until its slot is ready again.
  void load_key(unsigned slot, std::span<const std::uint8_t> key);
  // Queues a key load to be offered during the next run (for reloads under traffic).
  void queue_key_load(unsigned slot, std::span<const std::uint8_t> key);
  void zeroize();
  bool slot_ready(unsigned slot);

  // Runs the jobs to the end (or for stop_after cycles). each_cycle runs before every
  // cycle's inputs are set, with the run so far; it may queue key loads.
  CtrRunResult run(const std::vector<CtrJob>& jobs, Pressure pressure, std::mt19937_64& rng,
                   std::uint64_t stop_after = UINT64_MAX,
                   const std::function<void(const CtrRunResult& so_far)>& each_cycle = {});

  std::uint64_t cycles() const { return sim_.cycles(); }
  Clocked<Vtame_ctr_crypt>& sim() { return sim_; }

 private:
  struct PendingKey {
    unsigned slot;
    Bytes key;
  };
  void idle_inputs();
  void drive_key();  // offers the front queued key, if any

  Clocked<Vtame_ctr_crypt> sim_;
  std::deque<PendingKey> keys_;
};

}  // namespace tame::sim

namespace tame::sim {

// The jobs that make the disk crypt block produce OpenSSL's AES-CTR over `data` from a
// full 128-bit counter block `iv`: the data is padded to whole blocks, and split where
// the low 64 bits of the counter wrap, since OpenSSL carries into the upper half and the
// block counts the index modulo 2^64.
std::vector<CtrJob> jobs_for_counter(unsigned slot, std::span<const std::uint8_t, 16> iv,
                                     std::span<const std::uint8_t> data);

}  // namespace tame::sim
