// HMAC-SHA256 in RTL (rtl/hash/tame_hmac_sha256.sv) against OpenSSL's HMAC: the RFC 4231
// examples, random keys of 0..64 bytes and messages of 0..300, HKDF-SHA256 made of RTL HMACs
// (RFC 5869 and Wycheproof), words with gaps, HMACs back to back, zeroize at every phase
// (every marked register zero, then a correct MAC), and clocks set by the length alone.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/evp.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "Vtame_hmac_sha256.h"
#include "clocked.hpp"
#include "hash_stream.hpp"
#include "secrets.hpp"
#include "test_support.hpp"
#include "wide.hpp"

namespace tame::sim {
namespace {

constexpr std::size_t kMaxKeyBytes = 64;   // one SHA-256 block: longer keys are not supported
constexpr std::size_t kMacBytes = 32;

Bytes openssl_hmac(std::span<const std::uint8_t> key, std::span<const std::uint8_t> msg) {
  static const std::uint8_t none = 0;   // OpenSSL wants a pointer even for 0 bytes
  Bytes out(kMacBytes);
  std::size_t n = 0;
  const unsigned char* r = EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr,
                                     key.empty() ? &none : key.data(), key.size(),
                                     msg.empty() ? &none : msg.data(), msg.size(), out.data(), out.size(), &n);
  EXPECT_NE(r, nullptr) << "EVP_Q_mac failed";
  out.resize(n);
  return out;
}

// The tame_sha2 engine takes 65 clocks per block. From the start's handshake: one clock to
// the first K ^ ipad word, the inner hash of 64 + n bytes, the outer hash of 64 + 32 bytes
// (two blocks, its first word in the clock the inner digest appears), and one clock to
// raise mac_valid_o.
std::uint64_t inner_blocks(std::size_t n) { return (64 + n + 9 + 63) / 64; }
std::uint64_t inner_done(std::size_t n) { return 1 + 65 * inner_blocks(n); }   // the inner digest's clock
std::uint64_t expected_cycles(std::size_t n) { return inner_done(n) + 2 * 65 + 1; }

struct Job {
  Job(Bytes k, Bytes m, StreamOptions opt = {}, bool e = false)
      : key(std::move(k)), msg(std::move(m)), o(opt), early(e) {}
  Bytes key;
  Bytes msg;
  StreamOptions o;
  bool early;   // the message's beats offered before its start is taken (they must wait)
};

// Drives the model: a start with the key, then the message's beats; MACs collected as they come.
class Hmac {
 public:
  explicit Hmac(std::uint64_t seed) : sim_(seed), rng_(seed), stream_(4, rng_) {
    auto& d = sim_.dut();
    d.zeroize_i = 0;
    idle_start();
    stream_.idle(d);
    sim_.reset();
  }

  struct Result {
    Bytes mac;
    std::uint64_t cycles = 0;   // start taken to mac_valid_o
  };

  // Runs the jobs in order. Back to back, each start is offered as soon as the one before
  // it is taken, and waits (start_ready_o low) while that HMAC runs; otherwise a start is
  // offered after the MAC before it, 0..max_gap clocks later.
  std::vector<Result> run_all(const std::vector<Job>& jobs, bool back_to_back = false) {
    auto& d = sim_.dut();
    for (const auto& j : jobs) {
      if (j.key.size() > kMaxKeyBytes) throw std::logic_error("HMAC keys of at most 64 bytes");
      stream_.add(j.msg, j.o);
    }
    std::vector<Result> out;
    std::vector<std::uint64_t> started;
    std::size_t msgs_in = 0;   // messages whose last beat has gone in
    unsigned start_gap = jobs.empty() ? 0 : draw_gap(jobs.front().o);
    sim_.settle();
    for (std::uint64_t guard = 0; out.size() < jobs.size(); ++guard) {
      if (guard > 10'000'000) throw std::runtime_error("HMAC: no MAC");
      const std::size_t next = started.size();
      const bool may_start = back_to_back || out.size() == next;
      if (next < jobs.size() && may_start && start_gap == 0) offer_start(jobs[next].key);
      else idle_start();
      stream_.drive(d, msgs_in < started.size() || (msgs_in < jobs.size() && jobs[msgs_in].early));
      sim_.settle();
      check_outputs();
      if (d.mac_valid_o && out.size() < started.size()) {
        out.push_back({mac(), sim_.cycles() - started[out.size()]});
      }
      const bool start_moves = d.start_valid_i && d.start_ready_o;
      const bool beat_moves = HashStream<Vtame_hmac_sha256>::moves(d);
      const bool last_moves = beat_moves && stream_.front().last;
      if (start_moves) started.push_back(sim_.cycles());
      sim_.posedge();
      stream_.advance(beat_moves);
      if (last_moves) ++msgs_in;
      if (start_moves) start_gap = next + 1 < jobs.size() ? draw_gap(jobs[next + 1].o) : 0;
      else if (start_gap > 0 && may_start) --start_gap;
    }
    idle_start();
    stream_.idle(d);
    sim_.settle();
    return out;
  }

  Result run(const Job& j) { return run_all({j}).front(); }
  Bytes mac(const Bytes& key, const Bytes& msg) { return run({key, msg}).mac; }

  // Starts an HMAC (no gaps) and stops `clocks` clocks after the start was taken, before
  // its MAC. Returns the message beats not yet sent (dropped).
  std::size_t run_for(const Bytes& key, const Bytes& msg, std::uint64_t clocks) {
    auto& d = sim_.dut();
    stream_.add(msg);
    std::optional<std::uint64_t> t0;
    while (!t0 || sim_.cycles() - *t0 < clocks) {
      if (!t0) offer_start(key);
      else idle_start();
      stream_.drive(d, t0.has_value());
      sim_.settle();
      check_outputs();
      if (t0 && d.mac_valid_o) throw std::logic_error("run_for: the MAC came first");
      const bool start_moves = d.start_valid_i && d.start_ready_o;
      const bool beat_moves = HashStream<Vtame_hmac_sha256>::moves(d);
      if (start_moves) t0 = sim_.cycles();
      sim_.posedge();
      stream_.advance(beat_moves);
    }
    std::size_t left = 0;
    while (!stream_.empty()) stream_.advance(true), ++left;
    idle_start();
    stream_.idle(d);
    sim_.settle();
    return left;
  }

  void zeroize() { sim_.zeroize(); }
  Vtame_hmac_sha256& dut() { return sim_.dut(); }
  Clocked<Vtame_hmac_sha256>& sim() { return sim_; }

  Bytes mac() {
    Bytes out(kMacBytes);
    get_slice(sim_.dut().mac_o, 0, out);
    return out;
  }

 private:
  // The key in the top bytes of the 64-byte port, zeros after it.
  void offer_start(const Bytes& key) {
    auto& d = sim_.dut();
    Bytes block(kMaxKeyBytes, 0);
    std::copy(key.begin(), key.end(), block.begin());
    d.start_valid_i = 1;
    put_slice(d.key_i, 0, block);
  }
  // Valid low, the key port random: nothing but valid may matter.
  void idle_start() {
    auto& d = sim_.dut();
    d.start_valid_i = 0;
    for (std::size_t i = 0; i < kMaxKeyBytes / 4; ++i) d.key_i[i] = static_cast<std::uint32_t>(rng_());
  }
  unsigned draw_gap(const StreamOptions& o) { return o.max_gap == 0 ? 0 : static_cast<unsigned>(rng_() % (o.max_gap + 1)); }

  // mac_o reads zero while no MAC is valid; busy and a valid MAC never overlap; no
  // illegal state is ever reached.
  void check_outputs() {
    auto& d = sim_.dut();
    if (!d.mac_valid_o) {
      const Bytes shown = mac();
      EXPECT_TRUE(std::all_of(shown.begin(), shown.end(), [](std::uint8_t b) { return b == 0; }))
          << "mac_o shows data while not valid";
    }
    EXPECT_FALSE(d.mac_valid_o && d.busy_o);
    EXPECT_FALSE(d.error_o);
  }

  Clocked<Vtame_hmac_sha256> sim_;
  std::mt19937_64 rng_;
  HashStream<Vtame_hmac_sha256> stream_;
};

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// The marked registers that still hold something.
std::vector<std::string> live_secrets(Hmac& h) { return tame::sim::live_secrets(h.sim().context()); }

// RFC 4231 (Identifiers and Test Vectors for HMAC-SHA-224, -256, -384 and -512), section 4,
// HMAC-SHA-256: test cases 1-4, and 5 (the MAC truncated to 128 bits: its first 16 bytes).
// Test cases 6 and 7 use a 131-byte key, longer than the 64 bytes this block takes: skipped.
TEST(HmacRtl, Rfc4231) {
  Hmac h(1);
  EXPECT_EQ(to_hex(h.mac(Bytes(20, 0x0b), text("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(to_hex(h.mac(text("Jefe"), text("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(to_hex(h.mac(Bytes(20, 0xaa), Bytes(50, 0xdd))),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  Bytes key4(25);
  for (std::size_t i = 0; i < key4.size(); ++i) key4[i] = static_cast<std::uint8_t>(i + 1);
  EXPECT_EQ(to_hex(h.mac(key4, Bytes(50, 0xcd))),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  const Bytes mac5 = h.mac(Bytes(20, 0x0c), text("Test With Truncation"));
  EXPECT_EQ(to_hex(std::span<const std::uint8_t>(mac5).first(16)), "a3b6167473100ee06e0c796c2955552b");
}

// Every key length 0..64 and random message lengths 0..300, then random pairs; whole-word
// messages ended both ways (last word marked full, or an extra 0-byte beat); each HMAC in
// the clocks its message length sets, and the key and the inner digest gone with the MAC.
TEST(HmacRtl, RandomKeysAndMessagesMatchOpenSsl) {
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  Hmac h(seed);
  for (std::size_t i = 0; i < 65 + 150; ++i) {
    const Bytes key = test::random_bytes(rng, i <= kMaxKeyBytes ? i : rng() % (kMaxKeyBytes + 1));
    const Bytes msg = test::random_bytes(rng, rng() % 301);
    const bool zero_end = !msg.empty() && msg.size() % 4 == 0 && (rng() & 1) != 0;
    const auto r = h.run({key, msg, {.max_gap = 0, .zero_beat_end = zero_end}});
    ASSERT_EQ(to_hex(r.mac), to_hex(openssl_hmac(key, msg)))
        << "key " << key.size() << " B, message " << msg.size() << " B, seed " << seed;
    ASSERT_EQ(r.cycles, expected_cycles(msg.size())) << "message " << msg.size() << " B";
    const auto left = live_secrets(h);
    for (const auto& name : left) {
      EXPECT_TRUE(name.find(".key_q") == std::string::npos && name.find(".inner_q") == std::string::npos)
          << name << " still set after the MAC";
    }
  }
}

// HKDF-SHA256 (RFC 5869) made of RTL HMACs: extract PRK = HMAC(salt, IKM), an empty salt
// being HashLen zero bytes (section 2.2); expand T(i) = HMAC(PRK, T(i-1) || info || i).
Bytes rtl_hkdf(Hmac& h, const Bytes& salt, const Bytes& ikm, const Bytes& info, std::size_t len, Bytes* prk_out = nullptr) {
  const Bytes prk = h.mac(salt.empty() ? Bytes(32, 0) : salt, ikm);
  if (prk_out != nullptr) *prk_out = prk;
  Bytes okm, t;
  for (unsigned i = 1; okm.size() < len; ++i) {
    Bytes m = t;
    m.insert(m.end(), info.begin(), info.end());
    m.push_back(static_cast<std::uint8_t>(i));
    t = h.mac(prk, m);
    okm.insert(okm.end(), t.begin(), t.end());
  }
  okm.resize(len);
  return okm;
}

// RFC 5869, appendix A: test cases 1 and 3 (case 2's 80-byte salt is longer than a key
// this block takes; Wycheproof's copy of it is skipped below for the same reason).
TEST(HmacRtl, HkdfRfc5869) {
  Hmac h(7);
  Bytes prk;
  Bytes info(10);
  for (std::size_t i = 0; i < info.size(); ++i) info[i] = static_cast<std::uint8_t>(0xf0 + i);
  EXPECT_EQ(to_hex(rtl_hkdf(h, test::hex("000102030405060708090a0b0c"), Bytes(22, 0x0b), info, 42, &prk)),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  EXPECT_EQ(to_hex(prk), "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  EXPECT_EQ(to_hex(rtl_hkdf(h, {}, Bytes(22, 0x0b), {}, 42, &prk)),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  EXPECT_EQ(to_hex(prk), "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
}

// Wycheproof's HKDF-SHA256 vectors: every valid case whose salt fits a key (at most 64
// bytes; 81 of them). The invalid ones ask for more than 255 blocks, which is a rule of
// HKDF's caller, not of HMAC.
TEST(HmacRtl, HkdfWycheproof) {
  nlohmann::json doc;
  ASSERT_TRUE(test::load_vectors("hkdf_sha256_test.json", doc));
  Hmac h(8);
  unsigned ran = 0;
  for (const auto& g : doc["testGroups"]) {
    for (const auto& t : g["tests"]) {
      const Bytes salt = test::hex(t["salt"].get<std::string>());
      if (t["result"] != "valid" || salt.size() > kMaxKeyBytes) continue;
      const Bytes okm = rtl_hkdf(h, salt, test::hex(t["ikm"].get<std::string>()),
                                 test::hex(t["info"].get<std::string>()), t["size"].get<std::size_t>());
      EXPECT_EQ(to_hex(okm), t["okm"].get<std::string>()) << "tcId " << t["tcId"];
      ++ran;
    }
  }
  EXPECT_EQ(ran, 81U);
}

// Message words and starts arrive with random idle clocks before them (valid low, the
// rest random); some messages are offered before their start and must wait.
TEST(HmacRtl, RandomGaps) {
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  Hmac h(seed);
  for (int i = 0; i < 40; ++i) {
    const Bytes key = test::random_bytes(rng, rng() % (kMaxKeyBytes + 1));
    const Bytes msg = test::random_bytes(rng, rng() % 301);
    const Job j{key, msg, {.max_gap = 1U + static_cast<unsigned>(rng() % 20), .zero_beat_end = (rng() & 1) != 0},
                (rng() & 1) != 0};
    const auto r = h.run(j);
    ASSERT_EQ(to_hex(r.mac), to_hex(openssl_hmac(key, msg))) << "HMAC " << i << " seed " << seed;
    ASSERT_GE(r.cycles, expected_cycles(msg.size()));
  }
}

// The next start, and its message, wait at the inputs while the HMAC before runs; each
// MAC is read in its one valid clock, and without gaps each takes its usual clocks.
TEST(HmacRtl, BackToBack) {
  std::mt19937_64 rng(4);
  Hmac h(4);
  for (const unsigned gap : {0U, 3U}) {
    std::vector<Job> jobs;
    for (int i = 0; i < 20; ++i) {
      jobs.push_back({test::random_bytes(rng, rng() % (kMaxKeyBytes + 1)), test::random_bytes(rng, rng() % 301),
                      {.max_gap = gap, .zero_beat_end = false}, true});
    }
    const auto rs = h.run_all(jobs, true);
    ASSERT_EQ(rs.size(), jobs.size());
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      EXPECT_EQ(to_hex(rs[i].mac), to_hex(openssl_hmac(jobs[i].key, jobs[i].msg))) << "HMAC " << i << " gap " << gap;
      if (gap == 0) {
        EXPECT_EQ(rs[i].cycles, expected_cycles(jobs[i].msg.size())) << "HMAC " << i;
      }
    }
  }
}

// Zeroize during the K ^ ipad words, part-way into the message, in the inner hash, in the
// outer pass, and with a MAC held: each time every marked register (the key, the inner
// digest and the engine's) is zero a clock later, the block is idle, and the next HMAC is right.
TEST(HmacRtl, ZeroizeForgetsAndTheNextMacIsRight) {
  std::mt19937_64 rng(5);
  Hmac h(5);
  EXPECT_EQ(secret_signals(h.sim().context()).size(), 7U)
      << "the inspector should see the key, the inner digest and the engine's five registers";
  for (int round = 0; round < 20; ++round) {
    const Bytes key = test::random_bytes(rng, 16 + rng() % (kMaxKeyBytes - 15));
    const Bytes msg = test::random_bytes(rng, 100 + rng() % 201);
    const int phase = round % 5;
    std::uint64_t at = 0;
    switch (phase) {
      case 0: at = 2 + rng() % 15; break;                                         // K ^ ipad words
      case 1: at = 67 + rng() % 20; break;                                        // message words
      case 2: at = 66 + rng() % (inner_done(msg.size()) - 66); break;             // inner hash
      case 3: at = inner_done(msg.size()) + 1 + rng() % 130; break;               // outer pass
      default: break;
    }
    if (phase == 4) {
      h.mac(key, msg);   // a MAC held, to be forgotten as well
      ASSERT_TRUE(h.dut().mac_valid_o);
    } else {
      const std::size_t left = h.run_for(key, msg, at);
      if (phase == 1) {
        ASSERT_GT(left, 0U) << "meant to stop part-way into the message";
      }
      if (phase == 3) {
        ASSERT_EQ(left, 0U);
      }
    }
    ASSERT_FALSE(live_secrets(h).empty()) << "the key or the message should be somewhere before zeroize";
    h.zeroize();
    const auto left = live_secrets(h);
    EXPECT_TRUE(left.empty()) << "phase " << phase << ": " << left.size() << " registers still set, e.g. " << left.front();
    EXPECT_FALSE(h.dut().mac_valid_o);
    EXPECT_FALSE(h.dut().busy_o);
    EXPECT_FALSE(h.dut().msg_ready_o);
    EXPECT_TRUE(h.dut().start_ready_o);
    const Bytes k2 = test::random_bytes(rng, rng() % (kMaxKeyBytes + 1));
    const Bytes m2 = test::random_bytes(rng, rng() % 301);
    EXPECT_EQ(to_hex(h.mac(k2, m2)), to_hex(openssl_hmac(k2, m2))) << "round " << round;
  }
}

// An HMAC's clocks depend on the message length only: 100 random keys and 100-byte
// messages, the empty key with zeros and a key of ones with ones, all take the same.
TEST(HmacRtl, ClocksDependOnLengthOnly) {
  std::mt19937_64 rng(6);
  Hmac h(6);
  std::set<std::uint64_t> cycles;
  for (int i = 0; i < 100; ++i) {
    cycles.insert(h.run({test::random_bytes(rng, rng() % (kMaxKeyBytes + 1)), test::random_bytes(rng, 100)}).cycles);
  }
  cycles.insert(h.run({Bytes{}, Bytes(100, 0x00)}).cycles);
  cycles.insert(h.run({Bytes(kMaxKeyBytes, 0xff), Bytes(100, 0xff)}).cycles);
  ASSERT_EQ(cycles.size(), 1U);
  EXPECT_EQ(*cycles.begin(), expected_cycles(100));
  EXPECT_EQ(expected_cycles(32), 262U);   // as measured under Icarus
  EXPECT_EQ(expected_cycles(64), 327U);
}

}  // namespace
}  // namespace tame::sim
