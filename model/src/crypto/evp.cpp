// Error-queue text and the chunked update loop shared by every EVP cipher user.
#include "tame/evp.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <openssl/err.h>

#include "tame/bytes.hpp"

namespace tame {

void throw_openssl(std::string_view what) {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  throw Error(what, text.empty() ? "OpenSSL failed without an error code" : text);
}

CipherPtr fetch_cipher(const char* name) {
  CipherPtr cipher{EVP_CIPHER_fetch(nullptr, name, nullptr)};
  if (!cipher) throw_openssl(fmt::format("fetch {}", name));
  return cipher;
}

CipherCtxPtr new_cipher_ctx() {
  CipherCtxPtr ctx{EVP_CIPHER_CTX_new()};
  if (!ctx) throw_openssl("EVP_CIPHER_CTX_new");
  return ctx;
}

void cipher_update(EVP_CIPHER_CTX* ctx, std::span<const std::uint8_t> in,
                   std::span<std::uint8_t> out) {
  if (out.size() != in.size()) {
    throw Error("out", fmt::format("output is {} bytes but input is {}", out.size(),
                                   in.size()));
  }
  constexpr std::size_t kChunk = std::size_t{1} << 30;  // fits int, multiple of 16
  for (std::size_t off = 0; off < in.size(); off += kChunk) {
    const std::size_t len = std::min(kChunk, in.size() - off);
    int outl = 0;
    if (EVP_EncryptUpdate(ctx, out.data() + off, &outl, in.data() + off,
                          static_cast<int>(len)) != 1 ||
        outl != static_cast<int>(len)) {
      throw_openssl("EVP_EncryptUpdate");
    }
  }
}

}  // namespace tame
