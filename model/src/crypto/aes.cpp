// AES through EVP for speed, plus a key expansion written from FIPS-197: OpenSSL's
// AES_KEY layout depends on the CPU path, so its round keys are never read.
#include "tame/aes.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "tame/bytes.hpp"

namespace tame {
namespace {

// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS-197 4.2).
constexpr std::uint8_t gf_mul(std::uint8_t a, std::uint8_t b) {
  std::uint8_t p = 0;
  while (b != 0) {
    if (b & 1) p ^= a;
    a = static_cast<std::uint8_t>((a << 1) ^ ((a & 0x80) ? 0x1b : 0x00));
    b >>= 1;
  }
  return p;
}

constexpr std::uint8_t rotl8(std::uint8_t x, int n) {
  return static_cast<std::uint8_t>((x << n) | (x >> (8 - n)));
}

// The S-box is derived (inverse in GF(2^8), then the affine map of FIPS-197 5.1.1)
// rather than typed in, so no table entry can carry a typo.
constexpr std::array<std::uint8_t, 256> make_sbox() {
  std::array<std::uint8_t, 256> s{};
  for (int x = 0; x < 256; ++x) {
    // x^254 is the inverse of x (and 0 for 0), by square-and-multiply.
    std::uint8_t inv = 1, base = static_cast<std::uint8_t>(x);
    for (int e = 254; e != 0; e >>= 1) {
      if (e & 1) inv = gf_mul(inv, base);
      base = gf_mul(base, base);
    }
    s[x] = static_cast<std::uint8_t>(inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^
                                     rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63);
  }
  return s;
}

constexpr std::array<std::uint8_t, 256> kSbox = make_sbox();
static_assert(kSbox[0x00] == 0x63 && kSbox[0x53] == 0xed && kSbox[0xff] == 0x16,
              "S-box derivation disagrees with FIPS-197");

// One context per object: fetch, key schedule and mode set up once.
CipherCtxPtr make_aes_ctx(std::span<const std::uint8_t> key, const char* mode,
                          const std::uint8_t* iv) {
  check_aes_key(key, "key");
  const std::string name = fmt::format("AES-{}-{}", key.size() * 8, mode);
  const CipherPtr cipher = fetch_cipher(name.c_str());
  CipherCtxPtr ctx = new_cipher_ctx();
  if (EVP_EncryptInit_ex2(ctx.get(), cipher.get(), key.data(), iv, nullptr) != 1) {
    throw_openssl(fmt::format("init {}", name));
  }
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);  // whole blocks only, never a pad block
  return ctx;
}

}  // namespace

void check_aes_key(std::span<const std::uint8_t> key, std::string_view field) {
  if (key.size() != 16 && key.size() != 32) {
    throw Error(field, fmt::format("key is {} bytes, expected 16 (AES-128) or 32 (AES-256)",
                                   key.size()));
  }
}

std::uint8_t aes_sbox(std::uint8_t x) noexcept { return kSbox[x]; }

std::vector<Block> expand_round_keys(std::span<const std::uint8_t> key) {
  check_aes_key(key, "key");
  using Word = std::array<std::uint8_t, 4>;
  const std::size_t nk = key.size() / 4;  // 4 or 8 words
  const std::size_t nr = nk + 6;          // 10 or 14 rounds
  std::vector<Word> w(4 * (nr + 1));
  for (std::size_t i = 0; i < nk; ++i) {
    w[i] = {key[4 * i], key[4 * i + 1], key[4 * i + 2], key[4 * i + 3]};
  }
  std::uint8_t rcon = 0x01;
  for (std::size_t i = nk; i < w.size(); ++i) {
    Word t = w[i - 1];
    if (i % nk == 0) {  // RotWord, SubWord, then Rcon into the first byte
      t = {static_cast<std::uint8_t>(kSbox[t[1]] ^ rcon), kSbox[t[2]], kSbox[t[3]],
           kSbox[t[0]]};
      rcon = gf_mul(rcon, 0x02);
    } else if (nk > 6 && i % nk == 4) {  // AES-256's extra SubWord
      for (auto& b : t) b = kSbox[b];
    }
    for (std::size_t k = 0; k < 4; ++k) w[i][k] = w[i - nk][k] ^ t[k];
  }
  std::vector<Block> round_keys(nr + 1);
  for (std::size_t r = 0; r <= nr; ++r) {
    for (std::size_t k = 0; k < 16; ++k) round_keys[r][k] = w[4 * r + k / 4][k % 4];
  }
  OPENSSL_cleanse(w.data(), w.size() * sizeof(Word));  // the words are key material
  return round_keys;
}

AesEcb::AesEcb(std::span<const std::uint8_t> key) : ctx_(make_aes_ctx(key, "ECB", nullptr)) {}

Block AesEcb::encrypt(const Block& in) const {
  Block out;
  cipher_update(ctx_.get(), in, out);
  return out;
}

void AesEcb::encrypt_blocks(std::span<const std::uint8_t> in,
                            std::span<std::uint8_t> out) const {
  if (in.size() % kAesBlockSize != 0) {
    throw Error("in", fmt::format("{} bytes is not a whole number of 16-byte blocks",
                                  in.size()));
  }
  cipher_update(ctx_.get(), in, out);
}

AesCtr::AesCtr(std::span<const std::uint8_t> key, const Block& iv)
    : ctx_(make_aes_ctx(key, "CTR", iv.data())) {}

void AesCtr::process(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) {
  cipher_update(ctx_.get(), in, out);
}

void AesCtr::reset(const Block& iv) {
  // No cipher and no key: EVP keeps both and only reloads the counter (and drops
  // any partly used keystream block).
  if (EVP_EncryptInit_ex2(ctx_.get(), nullptr, nullptr, iv.data(), nullptr) != 1) {
    throw_openssl("AES-CTR counter reset");
  }
}

}  // namespace tame
