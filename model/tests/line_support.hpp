// The memory line format computed by OpenSSL's own AES-CTR, independently of the model's
// code: the IV is nonce || BE56(line address) || 00, laid out here byte by byte, exactly
// the `openssl enc -aes-*-ctr -iv <nonce><BE56>00` of spec section 3. The IV's low byte
// only counts 00..03 over a line, so EVP's 128-bit increment never carries.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include <openssl/evp.h>

#include "tame/bytes.hpp"
#include "tame/evp.hpp"

namespace tame::test {

inline std::array<std::uint8_t, 64> openssl_line_ctr(std::span<const std::uint8_t> key,
                                                     std::uint64_t nonce,
                                                     std::uint64_t line_addr,
                                                     std::span<const std::uint8_t> in) {
  if (in.size() != 64) throw Error("test line", "not 64 bytes");
  std::array<std::uint8_t, 16> iv{};
  for (int i = 0; i < 8; ++i) iv[i] = static_cast<std::uint8_t>(nonce >> (56 - 8 * i));
  for (int i = 0; i < 7; ++i) iv[8 + i] = static_cast<std::uint8_t>(line_addr >> (48 - 8 * i));
  iv[15] = 0x00;
  const EVP_CIPHER* cipher = key.size() == 16   ? EVP_aes_128_ctr()
                             : key.size() == 32 ? EVP_aes_256_ctr()
                                                : nullptr;
  if (cipher == nullptr) throw Error("test key", "not 16 or 32 bytes");
  const CipherCtxPtr ctx = new_cipher_ctx();
  std::array<std::uint8_t, 64> out{};
  int len = 0, fin = 0;
  if (EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.data(), iv.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, in.data(), 64) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &fin) != 1 || len + fin != 64) {
    throw_openssl("test: EVP AES-CTR");
  }
  return out;
}

// The message of the tame::Error that f throws, or a marker if it throws none.
template <class F>
std::string error_message(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no tame::Error thrown>";
}

}  // namespace tame::test
