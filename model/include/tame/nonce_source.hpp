// The trust anchor's line-nonce allocator (spec section 3): one 64-bit write counter per
// key slot, set to 1 when a key is loaded into the slot. It hands out each value at
// most once per key and refuses, rather than wraps, when the counter is used up.
#pragma once

#include <cstdint>
#include <vector>

namespace tame {

class NonceSource {
 public:
  // Slots 0..num_slots-1 (at least one), all without a key. The last nonce handed out
  // for a key is 2^64-1 - reserve, so `reserve` values stay unused as a guard band;
  // reserve = 2^64-1 would leave none and is refused.
  explicit NonceSource(unsigned num_slots, std::uint64_t reserve = 0);

  unsigned num_slots() const noexcept { return static_cast<unsigned>(slots_.size()); }
  std::uint64_t reserve() const noexcept { return reserve_; }
  std::uint64_t last_nonce() const noexcept;  // 2^64-1 - reserve

  // Every call below throws tame::Error for a slot out of range; all but key_loaded
  // and has_key also throw for a slot that has no key.

  // A new key is in the slot: its counter starts again at 1.
  void key_loaded(unsigned slot);
  bool has_key(unsigned slot) const;

  // Returns the counter and increments it. Throws "nonce counter for slot N is
  // exhausted: load a new key" once last_nonce() has been handed out.
  std::uint64_t next(unsigned slot);
  // count consecutive nonces, all or none; returns the first (count >= 1).
  std::uint64_t next_run(unsigned slot, std::uint64_t count);

  // The value next() would return; throws the exhaustion error if there is none.
  std::uint64_t peek(unsigned slot) const;
  bool exhausted(unsigned slot) const;
  std::uint64_t remaining(unsigned slot) const;  // how many next() calls still succeed

  // Tests only: jump the counter (>= 1) of a slot that has a key, to reach exhaustion.
  void set_counter_for_test(unsigned slot, std::uint64_t value);

 private:
  struct Slot {
    std::uint64_t counter = 0;
    bool has_key = false;
    bool spent = false;  // last_nonce() was handed out (the counter cannot go past it)
  };
  Slot& slot_with_key(unsigned slot);
  const Slot& slot_with_key(unsigned slot) const;
  void check_slot(unsigned slot) const;

  std::vector<Slot> slots_;
  std::uint64_t reserve_;
};

}  // namespace tame
