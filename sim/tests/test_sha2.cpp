// The SHA-2 engine (rtl/hash/tame_sha2.sv) in both widths against OpenSSL's EVP_Digest:
// the FIPS 180-4 examples, every length 0..300, long messages, words with gaps, messages
// back to back, zeroize mid-message (every marked register zero, then a correct hash),
// and a message's clocks set by its length alone.
#include <algorithm>
#include <deque>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <openssl/evp.h>

#include <gtest/gtest.h>

#include "Vtame_sha256.h"
#include "Vtame_sha512.h"
#include "clocked.hpp"
#include "hash_stream.hpp"
#include "secrets.hpp"
#include "test_support.hpp"
#include "wide.hpp"

namespace tame::sim {
namespace {

// What differs between the two models: word and block sizes, rounds, OpenSSL's digest.
template <class Dut>
struct Sha2Traits;
template <>
struct Sha2Traits<Vtame_sha256> {
  static constexpr std::size_t kWordBytes = 4, kBlockBytes = 64, kLengthBytes = 8, kDigestBytes = 32;
  static constexpr std::uint64_t kRounds = 64;
  static const EVP_MD* md() { return EVP_sha256(); }
};
template <>
struct Sha2Traits<Vtame_sha512> {
  static constexpr std::size_t kWordBytes = 8, kBlockBytes = 128, kLengthBytes = 16, kDigestBytes = 64;
  static constexpr std::uint64_t kRounds = 80;
  static const EVP_MD* md() { return EVP_sha512(); }
};

template <class Dut>
Bytes openssl_digest(std::span<const std::uint8_t> msg) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned n = 0;
  EXPECT_EQ(EVP_Digest(msg.data(), msg.size(), out.data(), &n, Sha2Traits<Dut>::md(), nullptr), 1);
  out.resize(n);
  return out;
}

// Clocks from the first beat's handshake to digest_valid_o: Rounds + 1 per block (the
// rounds, then the addition into the chaining state), padding blocks included.
template <class Dut>
std::uint64_t expected_cycles(std::size_t len) {
  using T = Sha2Traits<Dut>;
  const std::size_t blocks = (len + 1 + T::kLengthBytes + T::kBlockBytes - 1) / T::kBlockBytes;
  return blocks * (T::kRounds + 1);
}

// Drives one model: messages as beats of big-endian words, digests collected as they come.
template <class Dut>
class Sha2 {
 public:
  using T = Sha2Traits<Dut>;

  explicit Sha2(std::uint64_t seed) : sim_(seed), rng_(seed), stream_(T::kWordBytes, rng_) {
    auto& d = sim_.dut();
    d.zeroize_i = 0;
    stream_.idle(d);
    sim_.reset();
  }

  struct Result {
    Bytes digest;
    std::uint64_t cycles = 0;   // first beat taken to digest_valid_o
  };

  // Sends the messages back to back (the next message's first beat is offered as soon as
  // the previous one's last beat is taken) and returns their digests.
  std::vector<Result> hash_all(const std::vector<Bytes>& msgs, const StreamOptions& o = {}) {
    auto& d = sim_.dut();
    for (const auto& m : msgs) stream_.add(m, o);
    std::vector<Result> out;
    std::deque<std::uint64_t> started;
    sim_.settle();
    bool was_valid = d.digest_valid_o;
    for (std::uint64_t guard = 0; out.size() < msgs.size(); ++guard) {
      if (guard > 10'000'000) throw std::runtime_error("SHA-2 engine: no digest");
      stream_.drive(d);
      sim_.settle();
      check_outputs();
      if (d.digest_valid_o && !was_valid) {
        if (started.empty()) throw std::runtime_error("SHA-2 engine: a digest nobody asked for");
        out.push_back({digest(), sim_.cycles() - started.front()});
        started.pop_front();
      }
      was_valid = d.digest_valid_o;
      const bool take = stream_.moves(d);
      if (take && stream_.front().first) started.push_back(sim_.cycles());
      sim_.posedge();
      stream_.advance(take);
    }
    stream_.idle(d);
    sim_.settle();
    return out;
  }

  Result hash(const Bytes& msg, const StreamOptions& o = {}) { return hash_all({msg}, o).front(); }

  // Sends the first `beats` beats of a message (never its last) and stops there.
  void send_partial(const Bytes& msg, std::size_t beats) {
    auto& d = sim_.dut();
    if (beats * T::kWordBytes >= msg.size()) throw std::logic_error("send_partial would end the message");
    stream_.add(msg);
    for (const std::size_t goal = stream_.taken() + beats; stream_.taken() < goal;) {
      stream_.drive(d);
      sim_.settle();
      const bool take = stream_.moves(d);
      sim_.posedge();
      stream_.advance(take);
    }
    stream_.clear();
    stream_.idle(d);
    sim_.settle();
  }

  void idle(unsigned clocks) {
    stream_.idle(sim_.dut());
    for (unsigned i = 0; i < clocks; ++i) sim_.settle(), check_outputs(), sim_.posedge();
    sim_.settle();
  }
  void zeroize() { sim_.zeroize(); }
  Dut& dut() { return sim_.dut(); }
  Clocked<Dut>& sim() { return sim_; }

 private:
  Bytes digest() {
    Bytes out(T::kDigestBytes);
    get_slice(sim_.dut().digest_o, 0, out);
    return out;
  }
  // The digest port reads zero while no digest is valid; busy and a valid digest never
  // overlap; no illegal state is ever reached.
  void check_outputs() {
    auto& d = sim_.dut();
    if (!d.digest_valid_o) {
      const Bytes shown = digest();
      EXPECT_TRUE(std::all_of(shown.begin(), shown.end(), [](std::uint8_t b) { return b == 0; }))
          << "digest_o shows data while not valid";
    }
    EXPECT_FALSE(d.digest_valid_o && d.busy_o);
    EXPECT_FALSE(d.error_o);
  }

  Clocked<Dut> sim_;
  std::mt19937_64 rng_;
  HashStream<Dut> stream_;
};

template <class Dut>
class Sha2Rtl : public ::testing::Test {};
using Models = ::testing::Types<Vtame_sha256, Vtame_sha512>;
struct ModelNames {
  template <class Dut>
  static std::string GetName(int) {
    return std::is_same_v<Dut, Vtame_sha256> ? "Sha256" : "Sha512";
  }
};
TYPED_TEST_SUITE(Sha2Rtl, Models, ModelNames);

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// The examples of FIPS 180-4 as NIST publishes them with intermediate values
// (csrc.nist.gov, Cryptographic Standards and Guidelines, Examples with Intermediate
// Values: SHA256.pdf and SHA512.pdf): "abc", and the two-block 448-bit (SHA-256) and
// 896-bit (SHA-512) messages.
TYPED_TEST(Sha2Rtl, FipsExamples) {
  Sha2<TypeParam> e(1);
  const Bytes abc = text("abc");
  if constexpr (std::is_same_v<TypeParam, Vtame_sha256>) {
    EXPECT_EQ(to_hex(e.hash(abc).digest), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(to_hex(e.hash(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).digest),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  } else {
    EXPECT_EQ(to_hex(e.hash(abc).digest),
              "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    EXPECT_EQ(to_hex(e.hash(text("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                                 "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")).digest),
              "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
              "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
  }
}

// Every length from the empty message to 300 bytes (past two padding boundaries in both
// widths); whole-word lengths ended both ways (last word marked full, or an extra 0-byte
// beat), each taking the clocks its length sets.
TYPED_TEST(Sha2Rtl, EveryLengthTo300MatchesOpenSsl) {
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  Sha2<TypeParam> e(seed);
  for (std::size_t n = 0; n <= 300; ++n) {
    const Bytes m = test::random_bytes(rng, n);
    for (const bool zero_end : {false, true}) {
      if (zero_end && (n == 0 || n % Sha2Traits<TypeParam>::kWordBytes != 0)) continue;
      const auto r = e.hash(m, {.max_gap = 0, .zero_beat_end = zero_end});
      ASSERT_EQ(to_hex(r.digest), to_hex(openssl_digest<TypeParam>(m))) << "length " << n << " seed " << seed;
      ASSERT_EQ(r.cycles, expected_cycles<TypeParam>(n)) << "length " << n;
    }
  }
}

TYPED_TEST(Sha2Rtl, LongMessages) {
  std::mt19937_64 rng(3);
  Sha2<TypeParam> e(3);
  for (const std::size_t n : {1000U, 4095U, 4096U, 10000U}) {
    const Bytes m = test::random_bytes(rng, n);
    const auto r = e.hash(m);
    EXPECT_EQ(to_hex(r.digest), to_hex(openssl_digest<TypeParam>(m))) << "length " << n;
    EXPECT_EQ(r.cycles, expected_cycles<TypeParam>(n)) << "length " << n;
  }
}

// Words arrive with random idle clocks between them (valid low, the data random).
TYPED_TEST(Sha2Rtl, RandomGapsBetweenWords) {
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  Sha2<TypeParam> e(seed);
  for (int i = 0; i < 60; ++i) {
    const Bytes m = test::random_bytes(rng, rng() % 600);
    const auto r = e.hash(m, {.max_gap = 1U + static_cast<unsigned>(rng() % 20), .zero_beat_end = (rng() & 1) != 0});
    ASSERT_EQ(to_hex(r.digest), to_hex(openssl_digest<TypeParam>(m))) << "message " << i << " seed " << seed;
    ASSERT_GE(r.cycles, expected_cycles<TypeParam>(m.size()));
    if (rng() % 3 == 0) e.idle(1 + static_cast<unsigned>(rng() % 10));
  }
}

// The next message's first beat waits at the input while the previous one is hashed and
// goes in at the clock its digest appears; each digest is read in its one valid clock.
TYPED_TEST(Sha2Rtl, MessagesBackToBack) {
  std::mt19937_64 rng(4);
  Sha2<TypeParam> e(4);
  std::vector<Bytes> msgs;
  for (int i = 0; i < 20; ++i) msgs.push_back(test::random_bytes(rng, rng() % 300));
  const auto rs = e.hash_all(msgs, {.max_gap = 2, .zero_beat_end = false});
  ASSERT_EQ(rs.size(), msgs.size());
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    EXPECT_EQ(to_hex(rs[i].digest), to_hex(openssl_digest<TypeParam>(msgs[i]))) << "message " << i;
  }
  const auto two = e.hash_all({msgs[0], msgs[1]});   // and without gaps
  EXPECT_EQ(to_hex(two[1].digest), to_hex(openssl_digest<TypeParam>(msgs[1])));
  EXPECT_EQ(two[1].cycles, expected_cycles<TypeParam>(msgs[1].size()));
}

// Zeroize part-way into a message, while a block's rounds run, and with a digest held:
// each time every marked register is zero afterwards and the next message hashes right.
TYPED_TEST(Sha2Rtl, ZeroizeForgetsAndTheNextHashIsRight) {
  std::mt19937_64 rng(5);
  Sha2<TypeParam> e(5);
  auto live = [&] { return live_secrets(e.sim().context()); };
  EXPECT_EQ(secret_signals(e.sim().context()).size(), 5U)
      << "the inspector should see the length, chaining state, working variables and schedule";
  for (int round = 0; round < 6; ++round) {
    const Bytes m = test::random_bytes(rng, 100 + rng() % 400);
    const std::size_t words = m.size() / Sha2Traits<TypeParam>::kWordBytes;
    e.hash(test::random_bytes(rng, 50));   // a digest held, to be forgotten as well
    e.send_partial(m, 1 + rng() % (words - 1));
    e.idle(static_cast<unsigned>(rng() % 40));   // waiting for a word, or in rounds 16.. of a block
    ASSERT_FALSE(live().empty()) << "the message should be somewhere before zeroize";
    e.zeroize();
    const auto left = live();
    EXPECT_TRUE(left.empty()) << left.size() << " registers still hold message bits, e.g. " << left.front();
    EXPECT_FALSE(e.dut().digest_valid_o);
    EXPECT_FALSE(e.dut().busy_o);
    EXPECT_TRUE(e.dut().msg_ready_o);
    const Bytes next = test::random_bytes(rng, rng() % 300);
    EXPECT_EQ(to_hex(e.hash(next).digest), to_hex(openssl_digest<TypeParam>(next))) << "round " << round;
  }
  e.zeroize();   // with a digest valid
  EXPECT_FALSE(e.dut().digest_valid_o);
  EXPECT_TRUE(live().empty());
}

// A message's clocks depend on its length only: 100 random 200-byte messages, all zeros
// and all ones take the same number, the one the block count gives.
TYPED_TEST(Sha2Rtl, ClocksDependOnLengthOnly) {
  std::mt19937_64 rng(6);
  Sha2<TypeParam> e(6);
  std::set<std::uint64_t> cycles;
  for (int i = 0; i < 100; ++i) cycles.insert(e.hash(test::random_bytes(rng, 200)).cycles);
  cycles.insert(e.hash(Bytes(200, 0x00)).cycles);
  cycles.insert(e.hash(Bytes(200, 0xff)).cycles);
  ASSERT_EQ(cycles.size(), 1U);
  EXPECT_EQ(*cycles.begin(), expected_cycles<TypeParam>(200));
}

}  // namespace
}  // namespace tame::sim
