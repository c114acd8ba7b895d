// The sealed image (spec section 2): header bytes at their offsets, every refusal named
// by its field, C1 bound to header[0:96], and a payload equal to OpenSSL's AES-CTR over
// the zero-padded plaintext.
#include <sstream>

#include <gtest/gtest.h>

#include "protocol_support.hpp"
#include <fmt/format.h>

#include "tame/files.hpp"
#include "tame/hpke.hpp"

namespace tame {
namespace {

using test::bytes32;

void expect_error(const std::function<void()>& fn, std::string_view starts_with) {
  try {
    fn();
    ADD_FAILURE() << "no error; expected one starting with " << starts_with;
  } catch (const Error& e) {
    EXPECT_TRUE(std::string_view(e.what()).starts_with(starts_with)) << e.what();
  }
}

ImageHeader example_header() {
  ImageHeader h;
  h.cipher = Cipher::kAes128Ctr;
  h.payload_length = 0x0000000123456789ULL;
  h.ctr_nonce = 0xa1a2a3a4a5a6a7a8ULL;
  h.image_id = bytes32(0x11);
  h.ks_pub = bytes32(0x22);
  h.enc1 = bytes32(0x33);
  h.ct1.fill(0);
  std::fill_n(h.ct1.begin(), 32, 0x44);  // AES-128: 16 + 16 bytes
  return h;
}

TEST(ImageHeader, FieldsSitAtTheSpecOffsets) {
  const HeaderBytes b = example_header().serialize();
  EXPECT_EQ(to_hex(std::span(b).first(16)), "54414d45494d4731" "0001" "0001" "00001000");
  EXPECT_EQ(to_hex(std::span(b).subspan(16, 8)), "0000000123456789");
  EXPECT_EQ(to_hex(std::span(b).subspan(24, 8)), "a1a2a3a4a5a6a7a8");
  EXPECT_EQ(b[32], 0x11);
  EXPECT_EQ(b[63], 0x11);
  EXPECT_EQ(b[64], 0x22);
  EXPECT_EQ(b[95], 0x22);
  EXPECT_EQ(b[96], 0x33);
  EXPECT_EQ(b[127], 0x33);
  EXPECT_EQ(b[128], 0x44);
  EXPECT_EQ(b[159], 0x44);
  EXPECT_EQ(b[160], 0x00);
  EXPECT_TRUE(std::all_of(b.begin() + 160, b.end(), [](auto x) { return x == 0; }));
  const HeaderAad aad = example_header().aad();
  EXPECT_TRUE(std::equal(aad.begin(), aad.end(), b.begin()));
}

TEST(ImageHeader, ParseGivesBackWhatWasSerialized) {
  const ImageHeader h = example_header();
  const ImageHeader p = ImageHeader::parse(h.serialize());
  EXPECT_EQ(p.serialize(), h.serialize());
  EXPECT_EQ(p.cipher, Cipher::kAes128Ctr);
  EXPECT_EQ(p.payload_length, h.payload_length);
  EXPECT_EQ(p.ctr_nonce, h.ctr_nonce);
  EXPECT_EQ(p.page_count(), (h.payload_length + 4095) / 4096);
  EXPECT_EQ(p.ks_key_id(), sha256(h.ks_pub));
  const ImageHeader a = ImageHeader::parse_aad(h.aad());
  EXPECT_EQ(a.aad(), h.aad());
  EXPECT_EQ(a.enc1, Bytes32{});
}

TEST(ImageHeader, RefusesEachBadFieldByName) {
  const HeaderBytes good = example_header().serialize();
  auto with = [&](std::size_t off, std::uint8_t v) {
    HeaderBytes b = good;
    b[off] = v;
    return b;
  };
  expect_error([&] { ImageHeader::parse(std::span(good).first(4095)); }, "image header: is 4095 bytes");
  expect_error([&] { ImageHeader::parse(Bytes(4097)); }, "image header: is 4097 bytes");
  expect_error([&] { ImageHeader::parse(with(7, '2')); }, "image header magic");
  expect_error([&] { ImageHeader::parse(with(9, 2)); }, "image header version: is 2");
  expect_error([&] { ImageHeader::parse(with(8, 1)); }, "image header version: is 257");
  expect_error([&] { ImageHeader::parse(with(11, 0)); }, "image header cipher: is 0");
  expect_error([&] { ImageHeader::parse(with(11, 3)); }, "image header cipher: is 3");
  expect_error([&] { ImageHeader::parse(with(14, 0x20)); }, "image header page size: is 8192");
  expect_error([&] { ImageHeader::parse(with(160, 1)); }, "image header ct1: padding byte 32");
  expect_error([&] { ImageHeader::parse(with(176, 1)); }, "image header reserved: byte at offset 176");
  expect_error([&] { ImageHeader::parse(with(4095, 0x80)); }, "image header reserved: byte at offset 4095");
  expect_error([&] { ImageHeader::parse_aad(std::span(good).first(95)); }, "image header[0:96]");
  // AES-256 uses all 48 bytes of ct1.
  HeaderBytes b256 = with(11, 2);
  b256[175] = 1;
  EXPECT_NO_THROW(ImageHeader::parse(b256));
}

TEST(ImageHeader, CipherNames) {
  EXPECT_EQ(cipher_from_name("aes-128-ctr", "--cipher"), Cipher::kAes128Ctr);
  EXPECT_EQ(cipher_from_name("aes-256-ctr", "--cipher"), Cipher::kAes256Ctr);
  expect_error([] { cipher_from_name("aes-192-ctr", "--cipher"); }, "--cipher: 'aes-192-ctr'");
  EXPECT_EQ(cipher_key_size(Cipher::kAes128Ctr), 16u);
  EXPECT_EQ(cipher_key_size(Cipher::kAes256Ctr), 32u);
}

TEST(C1, OpensUnderTheKeyServiceKeyAndIsBoundToTheHeader) {
  const X25519Key ks(bytes32(0x01));
  for (Cipher c : {Cipher::kAes128Ctr, Cipher::kAes256Ctr}) {
    const Bytes k(cipher_key_size(c), 0x5c);
    const ImageHeader h = test::sealed_header(ks.public_key(), c, k, 0x09);
    EXPECT_EQ(open_c1(h, ks), k);
    // It is plain HPKE base mode with the spec's info and aad.
    EXPECT_EQ(hpke::open_base(h.enc1, ks, concat(text_bytes("TAME-C1-v1"), h.image_id), h.aad(),
                              std::span(h.ct1).first(k.size() + 16)),
              k);
    ImageHeader other = h;
    other.ctr_nonce ^= 1;  // any header[0:96] byte is in the AAD
    expect_error([&] { open_c1(other, ks); }, "C1: does not open");
    other = h;
    other.image_id[0] ^= 1;  // the image id is in the info too
    expect_error([&] { open_c1(other, ks); }, "C1: does not open");
    expect_error([&] { open_c1(h, X25519Key(bytes32(0x02))); }, "C1: does not open");
    other = h;
    other.enc1 = Bytes32{};  // an all-zero share
    expect_error([&] { open_c1(other, ks); }, "X25519 shared secret");
  }
}

// The payload against OpenSSL's AES-CTR (AesCtr is EVP with no TAME logic) over the
// zero-padded plaintext, from ctr_nonce || 0.
TEST(Sealer, PayloadIsOneCtrStreamOverThePaddedPlaintext) {
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  const X25519Key ks(bytes32(0x03));
  for (Cipher c : {Cipher::kAes128Ctr, Cipher::kAes256Ctr}) {
    for (std::size_t len : {std::size_t{0}, std::size_t{1}, std::size_t{4095}, std::size_t{4096},
                            std::size_t{4097}, std::size_t{1 << 20} + 17,
                            static_cast<std::size_t>(rng() % 300000)}) {
      const Bytes plain = test::random_bytes(rng, len);
      const Bytes k = test::random_bytes(rng, cipher_key_size(c));
      const std::uint64_t nonce = rng();
      const Bytes32 id = to_fixed<32>(test::random_bytes(rng, 32), "id");
      const auto dir = test::fresh_temp_dir("seal");
      write_file(dir / "plain", plain);
      Sealer sealer(c, ks.public_key(), k, nonce, id);
      std::uint64_t last = ~0ULL;
      const ImageHeader h = sealer.seal_file(dir / "plain", dir / "sealed",
                                             [&](std::uint64_t done, std::uint64_t) { last = done; });
      EXPECT_EQ(last, len);
      const Bytes sealed = read_file(dir / "sealed", 1 << 24);
      ASSERT_EQ(sealed.size(), 4096 + h.page_count() * 4096);
      EXPECT_EQ(ImageHeader::parse(std::span(sealed).first(4096)).serialize(), h.serialize());
      EXPECT_EQ(h.payload_length, len);
      EXPECT_EQ(h.ctr_nonce, nonce);
      EXPECT_EQ(open_c1(h, ks), k);
      Bytes expect(h.page_count() * 4096, 0);
      std::copy(plain.begin(), plain.end(), expect.begin());
      AesCtr(k, counter_block(nonce, 0)).process(expect, expect);
      EXPECT_TRUE(std::equal(expect.begin(), expect.end(), sealed.begin() + 4096))
          << cipher_name(c) << " length " << len;
      // And back, page by page.
      std::istringstream payload(std::string(sealed.begin() + 4096, sealed.end()));
      Bytes back;
      for_each_page(payload, h, k, [&](std::uint64_t p, std::span<const std::uint8_t> page) {
        EXPECT_EQ(back.size(), p * 4096);
        back.insert(back.end(), page.begin(), page.end());
      });
      back.resize(len);
      EXPECT_EQ(back, plain);
      std::filesystem::remove_all(dir);
    }
  }
}

TEST(Sealer, FreshSealsDifferAndAShortInputLeavesNoFile) {
  const X25519Key ks(bytes32(0x04));
  const auto dir = test::fresh_temp_dir("seal-fresh");
  write_file(dir / "plain", Bytes(5000, 1));
  Sealer a(Cipher::kAes256Ctr, ks.public_key()), b(Cipher::kAes256Ctr, ks.public_key());
  const ImageHeader ha = a.seal_file(dir / "plain", dir / "a");
  const ImageHeader hb = b.seal_file(dir / "plain", dir / "b");
  EXPECT_NE(ha.image_id, hb.image_id);
  EXPECT_NE(ha.ctr_nonce, hb.ctr_nonce);
  EXPECT_NE(open_c1(ha, ks), open_c1(hb, ks));

  std::istringstream short_in(std::string(100, 'x'));
  {
    AtomicFile out(dir / "short");
    EXPECT_THROW(a.seal(short_in, 5000, out, "--in"), Error);
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "short"));
  expect_error([&] { a.seal_file(dir / "missing", dir / "c"); }, (dir / "missing").string());
  EXPECT_FALSE(std::filesystem::exists(dir / "c"));
  std::filesystem::remove_all(dir);
}

TEST(Sealer, ImageSizeMustMatchTheHeader) {
  ImageHeader h = example_header();
  h.payload_length = 4097;  // 2 pages
  EXPECT_NO_THROW(check_image_size(h, 3 * 4096));
  expect_error([&] { check_image_size(h, 2 * 4096); }, "payload: the file holds 4096 bytes");
  expect_error([&] { check_image_size(h, 3 * 4096 + 1); }, "payload");
  h.payload_length = 0;
  EXPECT_NO_THROW(check_image_size(h, 4096));
}

}  // namespace
}  // namespace tame
