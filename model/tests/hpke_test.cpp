// HPKE against RFC 9180 appendix A.1.1 (base) and A.1.3 (auth) for DHKEM(X25519,
// HKDF-SHA256), HKDF-SHA256, AES-128-GCM: key derivation, KEM, key schedule, every
// listed encryption (through one sender and one receiver context, as the RFC made
// them) and the exported values. Then round trips and refusals with random keys.
//
// The hex values are transcribed from RFC 9180 appendix A.1 (the RFC's own text).
#include <array>
#include <limits>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tame/hpke.hpp"
#include "test_support.hpp"

namespace tame {
namespace {

using test::hex;

struct RfcEncryption {
  std::uint64_t seq;
  const char* aad;
  const char* nonce;
  const char* ct;
};

struct RfcExport {
  const char* context;
  const char* value;  // L = 32
};

struct RfcVector {
  const char* section;
  hpke::Mode mode;
  const char* info;
  const char* ikmE;
  const char* pkEm;
  const char* skEm;
  const char* ikmR;
  const char* pkRm;
  const char* skRm;
  const char* ikmS;  // auth mode only
  const char* pkSm;
  const char* skSm;
  const char* enc;
  const char* shared_secret;
  const char* key_schedule_context;
  const char* secret;
  const char* key;
  const char* base_nonce;
  const char* exporter_secret;
  std::array<RfcEncryption, 6> encryptions;
  std::array<RfcExport, 3> exports;
};

constexpr const char* kRfcPlaintext = "4265617574792069732074727574682c20747275746820626561757479";

const RfcVector kA11Base{
    "A.1.1",
    hpke::Mode::kBase,
    "4f6465206f6e2061204772656369616e2055726e",
    "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234",
    "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
    "52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736",
    "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037",
    "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d",
    "4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8",
    nullptr,
    nullptr,
    nullptr,
    "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
    "fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc",
    "00725611c9d98c07c03f60095cd32d400d8347d45ed67097bbad50fc56da742d07cb6cffde367bb0565ba28bb0"
    "2c90744a20f5ef37f30523526106f637abb05449",
    "12fff91991e93b48de37e7daddb52981084bd8aa64289c3788471d9a9712f397",
    "4531685d41d65f03dc48f6b8302c05b0",
    "56d890e5accaaf011cff4b7d",
    "45ff1c2e220db587171952c0592d5f5ebe103f1561a2614e38f2ffd47e99e3f8",
    {{
        {0, "436f756e742d30", "56d890e5accaaf011cff4b7d",
         "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a"},
        {1, "436f756e742d31", "56d890e5accaaf011cff4b7c",
         "af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab251c03d0c22a56b8ca42c2063b84"},
        {2, "436f756e742d32", "56d890e5accaaf011cff4b7f",
         "498dfcabd92e8acedc281e85af1cb4e3e31c7dc394a1ca20e173cb72516491588d96a19ad4a683518973dcc180"},
        {4, "436f756e742d34", "56d890e5accaaf011cff4b79",
         "583bd32bc67a5994bb8ceaca813d369bca7b2a42408cddef5e22f880b631215a09fc0012bc69fccaa251c0246d"},
        {255, "436f756e742d323535", "56d890e5accaaf011cff4b82",
         "7175db9717964058640a3a11fb9007941a5d1757fda1a6935c805c21af32505bf106deefec4a49ac38d71c9e0a"},
        {256, "436f756e742d323536", "56d890e5accaaf011cff4a7d",
         "957f9800542b0b8891badb026d79cc54597cb2d225b54c00c5238c25d05c30e3fbeda97d2e0e1aba483a2df9f2"},
    }},
    {{
        {"", "3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee"},
        {"00", "2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5"},
        {"54657374436f6e74657874",
         "e9e43065102c3836401bed8c3c3c75ae46be1639869391d62c61f1ec7af54931"},
    }},
};

const RfcVector kA13Auth{
    "A.1.3",
    hpke::Mode::kAuth,
    "4f6465206f6e2061204772656369616e2055726e",
    "6e6d8f200ea2fb20c30b003a8b4f433d2f4ed4c2658d5bc8ce2fef718059c9f7",
    "23fb952571a14a25e3d678140cd0e5eb47a0961bb18afcf85896e5453c312e76",
    "ff4442ef24fbc3c1ff86375b0be1e77e88a0de1e79b30896d73411c5ff4c3518",
    "f1d4a30a4cef8d6d4e3b016e6fd3799ea057db4f345472ed302a67ce1c20cdec",
    "1632d5c2f71c2b38d0a8fcc359355200caa8b1ffdf28618080466c909cb69b2e",
    "fdea67cf831f1ca98d8e27b1f6abeb5b7745e9d35348b80fa407ff6958f9137e",
    "94b020ce91d73fca4649006c7e7329a67b40c55e9e93cc907d282bbbff386f58",
    "8b0c70873dc5aecb7f9ee4e62406a397b350e57012be45cf53b7105ae731790b",
    "dc4a146313cce60a278a5323d321f051c5707e9c45ba21a3479fecdf76fc69dd",
    "23fb952571a14a25e3d678140cd0e5eb47a0961bb18afcf85896e5453c312e76",
    "2d6db4cf719dc7293fcbf3fa64690708e44e2bebc81f84608677958c0d4448a7",
    "02725611c9d98c07c03f60095cd32d400d8347d45ed67097bbad50fc56da742d07cb6cffde367bb0565ba28bb0"
    "2c90744a20f5ef37f30523526106f637abb05449",
    "56c62333d9d9f7767f5b083fdfce0aa7e57e301b74029bb0cffa7331385f1dda",
    "b062cb2c4dd4bca0ad7c7a12bbc341e6",
    "a1bc314c1942ade7051ffed0",
    "ee1a093e6e1c393c162ea98fdf20560c75909653550540a2700511b65c88c6f1",
    {{
        {0, "436f756e742d30", "a1bc314c1942ade7051ffed0",
         "5fd92cc9d46dbf8943e72a07e42f363ed5f721212cd90bcfd072bfd9f44e06b80fd17824947496e21b680c141b"},
        {1, "436f756e742d31", "a1bc314c1942ade7051ffed1",
         "d3736bb256c19bfa93d79e8f80b7971262cb7c887e35c26370cfed62254369a1b52e3d505b79dd699f002bc8ed"},
        {2, "436f756e742d32", "a1bc314c1942ade7051ffed2",
         "122175cfd5678e04894e4ff8789e85dd381df48dcaf970d52057df2c9acc3b121313a2bfeaa986050f82d93645"},
        {4, "436f756e742d34", "a1bc314c1942ade7051ffed4",
         "dae12318660cf963c7bcbef0f39d64de3bf178cf9e585e756654043cc5059873bc8af190b72afc43d1e0135ada"},
        {255, "436f756e742d323535", "a1bc314c1942ade7051ffe2f",
         "55d53d85fe4d9e1e97903101eab0b4865ef20cef28765a47f840ff99625b7d69dee927df1defa66a036fc58ff2"},
        {256, "436f756e742d323536", "a1bc314c1942ade7051fffd0",
         "42fa248a0e67ccca688f2b1d13ba4ba84755acf764bd797c8f7ba3b9b1dc3330326f8d172fef6003c79ec72319"},
    }},
    {{
        {"", "28c70088017d70c896a8420f04702c5a321d9cbf0279fba899b59e51bac72c85"},
        {"00", "25dfc004b0892be1888c3914977aa9c9bbaf2c7471708a49e1195af48a6f29ce"},
        {"54657374436f6e74657874",
         "5a0131813abc9a522cad678eb6bafaabc43389934adb8097d23c5ff68059eb64"},
    }},
};

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

// The RFC's encryptions use aad = "Count-<seq>" for every sequence number.
Bytes count_aad(std::uint64_t seq) {
  const std::string text = fmt::format("Count-{}", seq);
  return Bytes(text.begin(), text.end());
}

void check_rfc_vector(const RfcVector& v) {
  SCOPED_TRACE(fmt::format("RFC 9180 {}", v.section));
  const bool auth = v.mode == hpke::Mode::kAuth;
  const Bytes info = hex(v.info), pt = hex(kRfcPlaintext);

  // Key pairs, as the RFC made them (section 7.1.3).
  const hpke::KeyPair e = hpke::derive_key_pair(hex(v.ikmE));
  EXPECT_EQ(to_hex(e.sk), v.skEm);
  EXPECT_EQ(to_hex(e.pk), v.pkEm);
  const hpke::KeyPair r = hpke::derive_key_pair(hex(v.ikmR));
  EXPECT_EQ(to_hex(r.sk), v.skRm);
  EXPECT_EQ(to_hex(r.pk), v.pkRm);
  if (auth) {
    const hpke::KeyPair s = hpke::derive_key_pair(hex(v.ikmS));
    EXPECT_EQ(to_hex(s.sk), v.skSm);
    EXPECT_EQ(to_hex(s.pk), v.pkSm);
  }

  const X25519Key skE(hex(v.skEm)), skR(hex(v.skRm));
  EXPECT_EQ(to_hex(skE.public_key()), v.pkEm);
  EXPECT_EQ(to_hex(skR.public_key()), v.pkRm);
  const Bytes pkR = hex(v.pkRm);

  // KEM.
  hpke::Encapsulation encap;
  Bytes32 decapped;
  if (auth) {
    const X25519Key skS(hex(v.skSm));
    encap = hpke::auth_encap(pkR, skS, skE);
    decapped = hpke::auth_decap(hex(v.enc), skR, hex(v.pkSm));
  } else {
    encap = hpke::encap(pkR, skE);
    decapped = hpke::decap(hex(v.enc), skR);
  }
  EXPECT_EQ(to_hex(encap.enc), v.enc);
  EXPECT_EQ(to_hex(encap.shared_secret), v.shared_secret);
  EXPECT_EQ(to_hex(decapped), v.shared_secret);

  // Key schedule.
  const hpke::KeySchedule ks = hpke::key_schedule(v.mode, hex(v.shared_secret), info);
  EXPECT_EQ(to_hex(ks.key_schedule_context), v.key_schedule_context);
  EXPECT_EQ(to_hex(ks.secret), v.secret);
  EXPECT_EQ(to_hex(ks.key), v.key);
  EXPECT_EQ(to_hex(ks.base_nonce), v.base_nonce);
  EXPECT_EQ(to_hex(ks.exporter_secret), v.exporter_secret);

  // Contexts: the sender seals "Count-0" .. "Count-256" in order, the receiver opens
  // each in order; the listed ones must be the RFC's.
  std::optional<X25519Key> skS;
  if (auth) skS.emplace(hex(v.skSm));
  hpke::SenderSetup sender = auth ? hpke::setup_auth_s(pkR, info, *skS, skE)
                                  : hpke::setup_base_s(pkR, info, skE);
  EXPECT_EQ(to_hex(sender.enc), v.enc);
  hpke::ReceiverContext receiver = auth ? hpke::setup_auth_r(hex(v.enc), skR, info, hex(v.pkSm))
                                        : hpke::setup_base_r(hex(v.enc), skR, info);
  EXPECT_EQ(to_hex(receiver.schedule().key), v.key);
  EXPECT_EQ(to_hex(receiver.schedule().base_nonce), v.base_nonce);
  std::size_t listed = 0;
  for (std::uint64_t seq = 0; seq <= 256; ++seq) {
    SCOPED_TRACE(fmt::format("sequence number {}", seq));
    ASSERT_EQ(sender.context.seq(), seq);
    const Bytes aad = count_aad(seq);
    const Bytes ct = sender.context.seal(aad, pt);
    if (listed < v.encryptions.size() && v.encryptions[listed].seq == seq) {
      const RfcEncryption& x = v.encryptions[listed++];
      EXPECT_EQ(to_hex(aad), x.aad);
      EXPECT_EQ(to_hex(sender.context.nonce(seq)), x.nonce);
      EXPECT_EQ(to_hex(receiver.nonce(seq)), x.nonce);
      EXPECT_EQ(to_hex(ct), x.ct);
    }
    EXPECT_EQ(to_hex(receiver.open(aad, ct)), kRfcPlaintext);
    ASSERT_EQ(receiver.seq(), seq + 1);
  }
  EXPECT_EQ(listed, v.encryptions.size());

  // Single-shot: sequence number 0.
  const RfcEncryption& first = v.encryptions[0];
  const hpke::Sealed sealed = auth ? hpke::seal_auth(pkR, info, hex(first.aad), pt, *skS, skE)
                                   : hpke::seal_base(pkR, info, hex(first.aad), pt, skE);
  EXPECT_EQ(to_hex(sealed.enc), v.enc);
  EXPECT_EQ(to_hex(sealed.ct), first.ct);
  const Bytes opened =
      auth ? hpke::open_auth(hex(v.enc), skR, info, hex(first.aad), hex(first.ct), hex(v.pkSm))
           : hpke::open_base(hex(v.enc), skR, info, hex(first.aad), hex(first.ct));
  EXPECT_EQ(to_hex(opened), kRfcPlaintext);

  // Exporter, on both sides.
  for (const RfcExport& x : v.exports) {
    SCOPED_TRACE(fmt::format("exporter_context '{}'", x.context));
    EXPECT_EQ(to_hex(sender.context.export_secret(hex(x.context), 32)), x.value);
    EXPECT_EQ(to_hex(receiver.export_secret(hex(x.context), 32)), x.value);
  }
}

TEST(HpkeRfc9180, A11BaseX25519Sha256Aes128Gcm) { check_rfc_vector(kA11Base); }
TEST(HpkeRfc9180, A13AuthX25519Sha256Aes128Gcm) { check_rfc_vector(kA13Auth); }

TEST(HpkeRfc9180, SuiteIds) {
  EXPECT_EQ(to_hex(hpke::kem_suite_id()), "4b454d0020");              // "KEM" 0x0020
  EXPECT_EQ(to_hex(hpke::hpke_suite_id()), "48504b45002000010001");  // "HPKE" 0020 0001 0001
}

// Expects `f` to throw tame::Error whose message is exactly `what`.
template <class F>
void expect_error(F&& f, std::string_view what) {
  try {
    f();
    ADD_FAILURE() << "no error; expected: " << what;
  } catch (const Error& e) {
    EXPECT_EQ(std::string_view(e.what()), what);
  }
}

constexpr std::string_view kAuthFailed = "HPKE open: authentication failed";

TEST(Hpke, BaseRoundTripAndTampering) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 8; ++i) {
    const X25519Key skR(test::random_bytes(rng, 32));
    const Bytes info = test::random_bytes(rng, rng() % 64);
    const Bytes aad = test::random_bytes(rng, 1 + rng() % 96);
    const Bytes pt = test::random_bytes(rng, rng() % 80);
    const hpke::Sealed s = hpke::seal_base(skR.public_key(), info, aad, pt);
    ASSERT_EQ(s.ct.size(), pt.size() + hpke::kNt);
    EXPECT_EQ(hpke::open_base(s.enc, skR, info, aad, s.ct), pt);

    Bytes ct = s.ct;
    ct[rng() % ct.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    expect_error([&] { hpke::open_base(s.enc, skR, info, aad, ct); }, kAuthFailed);
    Bytes bad_aad = aad;
    bad_aad[rng() % bad_aad.size()] ^= 0x01;
    expect_error([&] { hpke::open_base(s.enc, skR, info, bad_aad, s.ct); }, kAuthFailed);
    Bytes bad_info = info;
    bad_info.push_back(0x00);
    expect_error([&] { hpke::open_base(s.enc, skR, bad_info, aad, s.ct); }, kAuthFailed);
    Bytes32 bad_enc = s.enc;
    bad_enc[rng() % 31] ^= 0x04;
    expect_error([&] { hpke::open_base(bad_enc, skR, info, aad, s.ct); }, kAuthFailed);
    const X25519Key other(test::random_bytes(rng, 32));
    expect_error([&] { hpke::open_base(s.enc, other, info, aad, s.ct); }, kAuthFailed);
  }
}

TEST(Hpke, AuthRoundTripAndWrongSender) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 8; ++i) {
    const X25519Key skR(test::random_bytes(rng, 32)), skS(test::random_bytes(rng, 32));
    const X25519Key impostor(test::random_bytes(rng, 32));
    const Bytes info = test::random_bytes(rng, 1 + rng() % 64);
    const Bytes aad = test::random_bytes(rng, 1 + rng() % 96);
    const Bytes pt = test::random_bytes(rng, 1 + rng() % 80);
    const hpke::Sealed s = hpke::seal_auth(skR.public_key(), info, aad, pt, skS);
    EXPECT_EQ(hpke::open_auth(s.enc, skR, info, aad, s.ct, skS.public_key()), pt);

    // Another sender key, or no sender authentication at all, does not open it.
    expect_error([&] { hpke::open_auth(s.enc, skR, info, aad, s.ct, impostor.public_key()); },
                 kAuthFailed);
    expect_error([&] { hpke::open_base(s.enc, skR, info, aad, s.ct); }, kAuthFailed);
    // An impostor sealing with its own key is refused by a receiver expecting skS.
    const hpke::Sealed forged = hpke::seal_auth(skR.public_key(), info, aad, pt, impostor);
    expect_error([&] { hpke::open_auth(forged.enc, skR, info, aad, forged.ct, skS.public_key()); },
                 kAuthFailed);

    Bytes ct = s.ct;
    ct[rng() % ct.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    expect_error([&] { hpke::open_auth(s.enc, skR, info, aad, ct, skS.public_key()); },
                 kAuthFailed);
    Bytes bad_aad = aad;
    bad_aad[rng() % bad_aad.size()] ^= 0x01;
    expect_error([&] { hpke::open_auth(s.enc, skR, info, bad_aad, s.ct, skS.public_key()); },
                 kAuthFailed);
    Bytes bad_info = info;
    bad_info[rng() % bad_info.size()] ^= 0x01;
    expect_error([&] { hpke::open_auth(s.enc, skR, bad_info, aad, s.ct, skS.public_key()); },
                 kAuthFailed);
  }
}

TEST(Hpke, ContextSequenceNumbers) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  const X25519Key skR(test::random_bytes(rng, 32)), skS(test::random_bytes(rng, 32));
  const Bytes info = bytes_of("TAME-C2-v1");
  hpke::SenderSetup s = hpke::setup_auth_s(skR.public_key(), info, skS);
  hpke::ReceiverContext r = hpke::setup_auth_r(s.enc, skR, info, skS.public_key());
  const Bytes m0 = s.context.seal(text_bytes("a0"), text_bytes("first"));
  const Bytes m1 = s.context.seal(text_bytes("a1"), text_bytes("second"));
  // Out of order: m1 under seq 0 fails, and a failure does not advance the receiver.
  expect_error([&] { r.open(text_bytes("a1"), m1); }, kAuthFailed);
  EXPECT_EQ(r.seq(), 0u);
  EXPECT_EQ(r.open(text_bytes("a0"), m0), bytes_of("first"));
  EXPECT_EQ(r.open(text_bytes("a1"), m1), bytes_of("second"));
  expect_error([&] { r.open({}, Bytes(15)); },
               "HPKE open: ciphertext is 15 bytes, shorter than the 16-byte tag");

  // The last sequence number a 64-bit counter can use is 2^64-2; then the limit.
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  s.context.set_seq_for_test(kMax - 1);
  r.set_seq_for_test(kMax - 1);
  const Bytes last = s.context.seal({}, text_bytes("last"));
  EXPECT_EQ(r.open({}, last).size(), 4u);
  expect_error([&] { s.context.seal({}, text_bytes("x")); },
               "HPKE seal: message limit reached: sequence number 18446744073709551615 would "
               "overflow");
  expect_error([&] { r.open({}, last); },
               "HPKE open: message limit reached: sequence number 18446744073709551615 would "
               "overflow");
}

TEST(Hpke, BadKeysAreNamed) {
  const X25519Key skR(Bytes(32, 0x11)), skS(Bytes(32, 0x22));
  expect_error([&] { hpke::decap(Bytes(31), skR); }, "HPKE enc: is 31 bytes, expected 32");
  expect_error([&] { hpke::encap(Bytes(33)); },
               "HPKE recipient public key: is 33 bytes, expected 32");
  expect_error([&] { hpke::auth_decap(Bytes(32, 9), skR, Bytes(5)); },
               "HPKE sender public key: is 5 bytes, expected 32");
  // A low-order enc (u = 0, u = 1) makes an all-zero DH: refused (RFC 9180 7.1.4).
  for (std::uint8_t u : {0, 1}) {
    Bytes enc(32, 0);
    enc[0] = u;
    try {
      hpke::decap(enc, skR);
      ADD_FAILURE() << "low-order enc accepted";
    } catch (const Error& e) {
      EXPECT_TRUE(std::string_view(e.what()).starts_with("X25519 shared secret: all zero"))
          << e.what();
    }
    EXPECT_THROW(hpke::auth_decap(enc, skR, skS.public_key()), Error);
    EXPECT_THROW(hpke::auth_decap(skS.public_key(), skR, enc), Error);
    EXPECT_THROW(hpke::seal_base(enc, {}, {}, {}), Error);
  }
}

TEST(Hpke, ExportLengths) {
  const X25519Key skR(Bytes(32, 0x33));
  hpke::SenderSetup s = hpke::setup_base_s(skR.public_key(), {});
  const hpke::ReceiverContext r = hpke::setup_base_r(s.enc, skR, {});
  EXPECT_EQ(s.context.export_secret(text_bytes("ctx"), 8160),
            r.export_secret(text_bytes("ctx"), 8160));
  EXPECT_THROW(s.context.export_secret({}, 8161), Error);
}

}  // namespace
}  // namespace tame
