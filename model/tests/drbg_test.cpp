// CTR_DRBG (AES-256, no derivation function) against every test of the ACVP group in
// ctr_drbg_aes256_nodf.json, against OpenSSL's CTR-DRBG fed the same entropy over random
// sequences of generate and reseed, and its state, limits and refusals.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tame/drbg.hpp"
#include "test_support.hpp"

namespace tame {
namespace {

using nlohmann::json;
using test::hex;

TEST(CtrDrbg, AcvpAes256NoDf) {
  json doc;
  ASSERT_TRUE(test::load_vectors("ctr_drbg_aes256_nodf.json", doc));
  int ran = 0;
  for (const json& group : doc.at("testGroups")) {
    ASSERT_EQ(group.at("mode"), "AES-256");
    ASSERT_EQ(group.at("derFunc"), false);
    ASSERT_EQ(group.at("predResistance"), false);
    const std::size_t out_bytes = group.at("returnedBitsLen").get<std::size_t>() / 8;
    for (const json& t : group.at("tests")) {
      SCOPED_TRACE(fmt::format("tgId {} tcId {}", group.at("tgId").get<int>(),
                               t.at("tcId").get<int>()));
      ASSERT_EQ(t.at("nonce"), "");  // no nonce without a derivation function
      CtrDrbg drbg;
      OpensslCtrDrbg ossl;
      const Bytes entropy = hex(t.at("entropyInput").get<std::string>());
      const Bytes perso = hex(t.at("persoString").get<std::string>());
      drbg.instantiate(entropy, perso);
      ossl.instantiate(entropy, perso);
      Bytes last, last_ossl;
      int generates = 0;
      for (const json& step : t.at("otherInput")) {
        const std::string use = step.at("intendedUse");
        const Bytes add = hex(step.at("additionalInput").get<std::string>());
        if (use == "reSeed") {
          const Bytes e = hex(step.at("entropyInput").get<std::string>());
          drbg.reseed(e, add);
          ossl.reseed(e, add);
        } else {
          ASSERT_EQ(use, "generate");
          last = drbg.generate(out_bytes, add);
          last_ossl = ossl.generate(out_bytes, add);
          ++generates;
        }
      }
      EXPECT_EQ(generates, 2);
      EXPECT_EQ(to_hex(last), to_hex(hex(t.at("returnedBits").get<std::string>())));
      EXPECT_EQ(last_ossl, last);
      ++ran;
    }
  }
  std::cout << fmt::format("CTR_DRBG ACVP AES-256 no df: {} tests\n", ran);
  EXPECT_EQ(ran, 15);
}

// Random lengths (whole and partial blocks, empty and full additional inputs) in random
// order: every output must equal OpenSSL's, bit for bit.
TEST(CtrDrbg, MatchesOpensslCtrDrbgOnRandomSequences) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  auto optional_input = [&] {
    const std::size_t pick = rng() % 4;  // empty, full, or any length up to 48
    return test::random_bytes(rng, pick == 0 ? 0 : pick == 1 ? 48 : rng() % 49);
  };
  int generates = 0, reseeds = 0;
  for (int sequence = 0; sequence < 12; ++sequence) {
    CtrDrbg drbg;
    OpensslCtrDrbg ossl;
    const Bytes entropy = test::random_bytes(rng, 48), perso = optional_input();
    drbg.instantiate(entropy, perso);
    ossl.instantiate(entropy, perso);
    for (int step = 0; step < 40; ++step) {
      SCOPED_TRACE(fmt::format("sequence {} step {}", sequence, step));
      if (rng() % 5 == 0) {
        const Bytes e = test::random_bytes(rng, 48), add = optional_input();
        drbg.reseed(e, add);
        ossl.reseed(e, add);
        EXPECT_EQ(drbg.reseed_counter(), 1u);
        ++reseeds;
      } else {
        // 1 byte upwards: a 0-byte request is refused (see drbg.hpp and ZeroByteRequest).
        const std::size_t n = rng() % 8 == 0 ? 4096 + rng() % 2048 : 1 + rng() % 200;
        const Bytes add = optional_input();
        const std::uint64_t before = drbg.reseed_counter();
        ASSERT_EQ(to_hex(drbg.generate(n, add)), to_hex(ossl.generate(n, add)))
            << n << " bytes, additional input of " << add.size();
        EXPECT_EQ(drbg.reseed_counter(), before + 1);
        ++generates;
      }
    }
  }
  std::cout << fmt::format("CTR_DRBG vs OpenSSL: {} generates and {} reseeds matched\n",
                           generates, reseeds);
}

// After instantiate, Key || V = E(0, 1) || E(0, 2) || E(0, 3) XOR seed_material:
// the first 48 bytes of AES-256-CTR keystream under the zero key from counter 1.
TEST(CtrDrbg, InstantiateStateIsUpdateFromZero) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  const Bytes entropy = test::random_bytes(rng, 48), perso = test::random_bytes(rng, 20);
  Block one{};
  one[15] = 1;
  Bytes expected(48);
  for (std::size_t i = 0; i < 48; ++i) {
    expected[i] = entropy[i] ^ (i < perso.size() ? perso[i] : 0);
  }
  AesCtr(Bytes(32, 0), one).process(expected, expected);
  CtrDrbg drbg;
  EXPECT_FALSE(drbg.instantiated());
  drbg.instantiate(entropy, perso);
  EXPECT_TRUE(drbg.instantiated());
  EXPECT_EQ(drbg.reseed_counter(), 1u);
  EXPECT_EQ(to_hex(drbg.key()), to_hex(std::span(expected).first(32)));
  EXPECT_EQ(to_hex(drbg.v()), to_hex(std::span(expected).subspan(32)));
  drbg.uninstantiate();
  EXPECT_FALSE(drbg.instantiated());
  EXPECT_EQ(drbg.key(), CtrDrbg::Key{});
  EXPECT_EQ(drbg.v(), Block{});
}

template <class F>
void expect_error(F&& f, std::string_view what) {
  try {
    f();
    ADD_FAILURE() << "no error; expected: " << what;
  } catch (const Error& e) {
    EXPECT_EQ(std::string_view(e.what()), what);
  }
}

TEST(CtrDrbg, ReseedCounterLimit) {
  CtrDrbg drbg;
  drbg.instantiate(Bytes(48, 0x5a));
  drbg.set_reseed_counter_for_test(CtrDrbg::kReseedInterval);  // the last allowed request
  EXPECT_EQ(drbg.generate(16).size(), 16u);
  EXPECT_EQ(drbg.reseed_counter(), CtrDrbg::kReseedInterval + 1);
  const CtrDrbg::Key key = drbg.key();
  expect_error([&] { drbg.generate(16); },
               "CTR_DRBG generate: reseed required: the reseed counter 281474976710657 "
               "exceeds the limit 2^48");
  EXPECT_EQ(drbg.key(), key);  // a refused request leaves the state alone
  drbg.reseed(Bytes(48, 0xa5));
  EXPECT_EQ(drbg.reseed_counter(), 1u);
  EXPECT_EQ(drbg.generate(16).size(), 16u);
}

TEST(CtrDrbg, RefusalsAreNamed) {
  CtrDrbg drbg;
  expect_error([&] { drbg.generate(16); }, "CTR_DRBG generate: the DRBG is not instantiated");
  expect_error([&] { drbg.reseed(Bytes(48)); }, "CTR_DRBG reseed: the DRBG is not instantiated");
  expect_error([&] { drbg.instantiate(Bytes(32)); },
               "CTR_DRBG entropy input: is 32 bytes, expected 48 (seedlen; no derivation "
               "function)");
  expect_error([&] { drbg.instantiate(Bytes(48), Bytes(49)); },
               "CTR_DRBG personalization string: is 49 bytes, at most 48 without a derivation "
               "function");
  drbg.instantiate(Bytes(48, 1));
  expect_error([&] { drbg.generate(16, Bytes(49)); },
               "CTR_DRBG additional input: is 49 bytes, at most 48 without a derivation function");
  expect_error([&] { drbg.reseed(Bytes(47)); },
               "CTR_DRBG entropy input: is 47 bytes, expected 48 (seedlen; no derivation "
               "function)");
  EXPECT_EQ(drbg.generate(CtrDrbg::kMaxRequestBytes).size(), CtrDrbg::kMaxRequestBytes);
  expect_error([&] { drbg.generate(CtrDrbg::kMaxRequestBytes + 1); },
               "CTR_DRBG generate: request of 65537 bytes exceeds the limit of 65536 (2^19 bits)");
}

// SP 800-90A 10.2.1.5.1 for 0 requested bits still runs Update(0^seedlen); OpenSSL 3.0's
// CTR-DRBG leaves its state alone. The model refuses such requests rather than pick one;
// this pins the refusal and OpenSSL's behaviour, the reason for it.
TEST(CtrDrbg, ZeroByteRequest) {
  CtrDrbg drbg;
  drbg.instantiate(Bytes(48, 0x11));
  expect_error([&] { drbg.generate(0); },
               "CTR_DRBG generate: a request for 0 bytes is refused (SP 800-90A would still run "
               "Update; OpenSSL's CTR-DRBG leaves its state alone, so the two would part)");
  EXPECT_EQ(drbg.reseed_counter(), 1u);

  auto plus = [](Block v, unsigned n) {
    while (n-- > 0) {
      for (std::size_t i = v.size(); i-- > 0;) {
        if (++v[i] != 0) break;
      }
    }
    return v;
  };
  // Unchanged state: the next 16 bytes are E(Key, V+1).
  Bytes unchanged(16, 0);
  AesCtr(drbg.key(), plus(drbg.v(), 1)).process(unchanged, unchanged);
  // By the text: Key' || V' = E(Key, V+1..V+3), then E(Key', V'+1).
  Bytes state(48, 0);
  AesCtr(drbg.key(), plus(drbg.v(), 1)).process(state, state);
  Block v;
  std::copy(state.begin() + 32, state.end(), v.begin());
  Bytes by_the_text(16, 0);
  AesCtr(std::span(state).first(32), plus(v, 1)).process(by_the_text, by_the_text);

  OpensslCtrDrbg ossl;
  ossl.instantiate(Bytes(48, 0x11));
  EXPECT_EQ(ossl.generate(0).size(), 0u);
  const Bytes ossl_next = ossl.generate(16);
  EXPECT_EQ(to_hex(ossl_next), to_hex(unchanged));
  EXPECT_NE(to_hex(ossl_next), to_hex(by_the_text))
      << "OpenSSL now follows SP 800-90A for 0-byte requests: the model could accept them";
}

}  // namespace
}  // namespace tame
