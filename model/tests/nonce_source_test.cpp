// The nonce allocator against spec section 3: a counter per key slot that starts at 1
// when a key is loaded, never hands out a value twice under one key, and refuses at
// the end instead of wrapping.
#include <limits>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "line_support.hpp"
#include "tame/nonce_source.hpp"
#include "test_support.hpp"

namespace tame {
namespace {

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();

bool mentions(const std::string& msg, const std::string& what) {
  return msg.find(what) != std::string::npos;
}

TEST(NonceSource, StartsAtOneAndIncreasesStrictly) {
  NonceSource ns(2);
  EXPECT_FALSE(ns.has_key(0));
  ns.key_loaded(0);
  EXPECT_TRUE(ns.has_key(0));
  EXPECT_FALSE(ns.has_key(1));
  EXPECT_EQ(ns.peek(0), 1u);
  EXPECT_EQ(ns.remaining(0), kMax64);
  EXPECT_FALSE(ns.exhausted(0));
  for (std::uint64_t want = 1; want <= 1000; ++want) {
    ASSERT_EQ(ns.peek(0), want);
    ASSERT_EQ(ns.next(0), want);
  }
  EXPECT_EQ(ns.remaining(0), kMax64 - 1000);
  const std::uint64_t first = ns.next_run(0, 64);
  EXPECT_EQ(first, 1001u);
  EXPECT_EQ(ns.next(0), 1065u);
}

TEST(NonceSource, NewKeyRestartsAtOne) {
  NonceSource ns(1);
  ns.key_loaded(0);
  for (int i = 0; i < 10; ++i) ns.next(0);
  ns.key_loaded(0);
  EXPECT_EQ(ns.next(0), 1u);
  ns.set_counter_for_test(0, kMax64);
  ns.next(0);
  ASSERT_TRUE(ns.exhausted(0));
  ns.key_loaded(0);  // a fresh key also ends exhaustion
  EXPECT_FALSE(ns.exhausted(0));
  EXPECT_EQ(ns.next(0), 1u);
}

TEST(NonceSource, RefusesAtExhaustionAndNeverRepeats) {
  for (const std::uint64_t reserve : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{16}}) {
    SCOPED_TRACE(fmt::format("reserve {}", reserve));
    NonceSource ns(3, reserve);
    const std::uint64_t last = kMax64 - reserve;
    EXPECT_EQ(ns.last_nonce(), last);
    ns.key_loaded(1);
    ns.set_counter_for_test(1, last - 4);
    EXPECT_EQ(ns.remaining(1), 5u);
    std::set<std::uint64_t> seen;
    for (std::uint64_t want = last - 4; want != last; ++want) {
      ASSERT_EQ(ns.next(1), want);
      ASSERT_TRUE(seen.insert(want).second);
    }
    EXPECT_EQ(ns.remaining(1), 1u);
    EXPECT_EQ(ns.peek(1), last);
    EXPECT_EQ(ns.next(1), last);  // the very last nonce is still handed out
    EXPECT_TRUE(seen.insert(last).second);
    EXPECT_TRUE(ns.exhausted(1));
    EXPECT_EQ(ns.remaining(1), 0u);
    for (int i = 0; i < 3; ++i) {
      const std::string msg = test::error_message([&] { ns.next(1); });
      EXPECT_EQ(msg, "nonce counter for slot 1 is exhausted: load a new key");
    }
    EXPECT_THROW(ns.peek(1), Error);
    EXPECT_THROW(ns.next_run(1, 1), Error);
    EXPECT_EQ(seen.size(), 5u);

    // Past the limit by the test hook: exhausted at once, nothing handed out.
    if (reserve > 0) {
      ns.set_counter_for_test(1, last + 1);
      EXPECT_TRUE(ns.exhausted(1));
      EXPECT_THROW(ns.next(1), Error);
    }
  }
}

TEST(NonceSource, RunsAreAllOrNothing) {
  NonceSource ns(1);
  ns.key_loaded(0);
  ns.set_counter_for_test(0, kMax64 - 2);  // three left
  const std::string msg = test::error_message([&] { ns.next_run(0, 4); });
  EXPECT_TRUE(mentions(msg, "slot 0")) << msg;
  EXPECT_TRUE(mentions(msg, "load a new key")) << msg;
  EXPECT_EQ(ns.remaining(0), 3u);  // nothing consumed
  EXPECT_EQ(ns.peek(0), kMax64 - 2);
  EXPECT_EQ(ns.next_run(0, 3), kMax64 - 2);
  EXPECT_TRUE(ns.exhausted(0));
  EXPECT_THROW(ns.next_run(0, 0), Error);
}

TEST(NonceSource, SlotsAreIndependent) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  constexpr unsigned kSlots = 4;
  NonceSource ns(kSlots);
  std::vector<std::uint64_t> expect(kSlots, 1);
  std::vector<std::set<std::uint64_t>> seen(kSlots);
  for (unsigned s = 0; s < kSlots; ++s) ns.key_loaded(s);
  for (int step = 0; step < 5000; ++step) {
    const unsigned s = static_cast<unsigned>(rng() % kSlots);
    if (rng() % 500 == 0) {  // now and then a slot gets a new key
      ns.key_loaded(s);
      expect[s] = 1;
      seen[s].clear();
      continue;
    }
    const std::uint64_t n = ns.next(s);
    ASSERT_EQ(n, expect[s]++) << "slot " << s << " step " << step;
    ASSERT_TRUE(seen[s].insert(n).second) << "slot " << s << " repeated " << n;
    for (unsigned o = 0; o < kSlots; ++o) ASSERT_EQ(ns.peek(o), expect[o]) << "slot " << o;
  }
  // Exhausting one slot leaves the others alone.
  ns.set_counter_for_test(2, kMax64);
  ns.next(2);
  EXPECT_TRUE(ns.exhausted(2));
  for (unsigned o : {0u, 1u, 3u}) {
    EXPECT_FALSE(ns.exhausted(o));
    EXPECT_EQ(ns.next(o), expect[o]);
  }
}

TEST(NonceSource, RejectsBadSlotsAndSettings) {
  EXPECT_THROW(NonceSource(0), Error);
  EXPECT_THROW(NonceSource(1, kMax64), Error);
  NonceSource ns(2);
  for (unsigned bad : {2u, 100u}) {
    EXPECT_TRUE(mentions(test::error_message([&] { ns.key_loaded(bad); }), "slot"));
    EXPECT_THROW(ns.has_key(bad), Error);
    EXPECT_THROW(ns.next(bad), Error);
    EXPECT_THROW(ns.peek(bad), Error);
    EXPECT_THROW(ns.exhausted(bad), Error);
    EXPECT_THROW(ns.remaining(bad), Error);
    EXPECT_THROW(ns.set_counter_for_test(bad, 5), Error);
  }
  // A slot with no key hands out nothing.
  EXPECT_TRUE(mentions(test::error_message([&] { ns.next(1); }), "no key"));
  EXPECT_THROW(ns.peek(1), Error);
  EXPECT_THROW(ns.set_counter_for_test(1, 5), Error);
  ns.key_loaded(1);
  EXPECT_THROW(ns.set_counter_for_test(1, 0), Error);  // the counter is never 0
}

}  // namespace
}  // namespace tame
