// The counter never passes last_nonce(): handing that value out sets `spent` instead of
// incrementing, because with no reserve the increment itself would wrap to 0.
#include "tame/nonce_source.hpp"

#include <limits>
#include <utility>

#include <fmt/format.h>

#include "tame/bytes.hpp"

namespace tame {
namespace {

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();

[[noreturn]] void throw_exhausted(unsigned slot, std::uint64_t left, std::uint64_t wanted) {
  if (left == 0) {
    throw Error(fmt::format("nonce counter for slot {} is exhausted: load a new key", slot));
  }
  throw Error(fmt::format("nonce counter for slot {} has {} nonces left, {} needed: load a "
                          "new key",
                          slot, left, wanted));
}

}  // namespace

NonceSource::NonceSource(unsigned num_slots, std::uint64_t reserve)
    : slots_(num_slots), reserve_(reserve) {
  if (num_slots == 0) throw Error("num_slots", "a nonce source needs at least one slot");
  if (reserve == kMax64) {
    throw Error("reserve", "2^64-1 reserved nonces leave none to hand out");
  }
}

std::uint64_t NonceSource::last_nonce() const noexcept { return kMax64 - reserve_; }

void NonceSource::check_slot(unsigned slot) const {
  if (slot >= slots_.size()) {
    throw Error("slot", fmt::format("{} is out of range (0..{})", slot, slots_.size() - 1));
  }
}

const NonceSource::Slot& NonceSource::slot_with_key(unsigned slot) const {
  check_slot(slot);
  const Slot& s = slots_[slot];
  if (!s.has_key) throw Error("slot", fmt::format("{} has no key loaded", slot));
  return s;
}

NonceSource::Slot& NonceSource::slot_with_key(unsigned slot) {
  return const_cast<Slot&>(std::as_const(*this).slot_with_key(slot));
}

void NonceSource::key_loaded(unsigned slot) {
  check_slot(slot);
  slots_[slot] = Slot{.counter = 1, .has_key = true, .spent = false};
}

bool NonceSource::has_key(unsigned slot) const {
  check_slot(slot);
  return slots_[slot].has_key;
}

std::uint64_t NonceSource::remaining(unsigned slot) const {
  const Slot& s = slot_with_key(slot);
  if (s.spent || s.counter > last_nonce()) return 0;
  return last_nonce() - s.counter + 1;  // counter >= 1, so this cannot overflow
}

bool NonceSource::exhausted(unsigned slot) const { return remaining(slot) == 0; }

std::uint64_t NonceSource::peek(unsigned slot) const {
  if (remaining(slot) == 0) throw_exhausted(slot, 0, 1);
  return slots_[slot].counter;
}

std::uint64_t NonceSource::next_run(unsigned slot, std::uint64_t count) {
  if (count == 0) throw Error("count", "a run of nonces needs at least one");
  const std::uint64_t left = remaining(slot);
  if (left < count) throw_exhausted(slot, left, count);
  Slot& s = slots_[slot];
  const std::uint64_t first = s.counter;
  const std::uint64_t last = first + (count - 1);
  if (last == last_nonce()) {
    s.counter = last;
    s.spent = true;
  } else {
    s.counter = last + 1;
  }
  return first;
}

std::uint64_t NonceSource::next(unsigned slot) { return next_run(slot, 1); }

void NonceSource::set_counter_for_test(unsigned slot, std::uint64_t value) {
  Slot& s = slot_with_key(slot);
  if (value == 0) throw Error("counter", "0 is never a counter value (it starts at 1)");
  s.counter = value;
  s.spent = false;
}

}  // namespace tame
