// Owning handles for OpenSSL's EVP objects, defined once for the whole model, and the
// one place where OpenSSL's error queue becomes a tame::Error.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include <openssl/evp.h>

namespace tame {

namespace detail {
// Calls OpenSSL's own free function; an empty deleter keeps the pointers one word wide.
template <auto FreeFn>
struct EvpFree {
  template <class T>
  void operator()(T* p) const noexcept {
    FreeFn(p);
  }
};
}  // namespace detail

using CipherPtr = std::unique_ptr<EVP_CIPHER, detail::EvpFree<&EVP_CIPHER_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, detail::EvpFree<&EVP_CIPHER_CTX_free>>;
using MdPtr = std::unique_ptr<EVP_MD, detail::EvpFree<&EVP_MD_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, detail::EvpFree<&EVP_MD_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, detail::EvpFree<&EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, detail::EvpFree<&EVP_PKEY_CTX_free>>;
using MacPtr = std::unique_ptr<EVP_MAC, detail::EvpFree<&EVP_MAC_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, detail::EvpFree<&EVP_MAC_CTX_free>>;

// Throws tame::Error "what: <OpenSSL's queued errors>" and empties the queue, so a
// stale entry never shows up in a later, unrelated message.
[[noreturn]] void throw_openssl(std::string_view what);

// Explicit fetch (OpenSSL 3): done once per object instead of on every init.
CipherPtr fetch_cipher(const char* name);
CipherCtxPtr new_cipher_ctx();

// EVP_EncryptUpdate over any length: EVP takes int lengths, so long spans go in
// block-aligned chunks. out.size() must equal in.size(); in == out is allowed.
void cipher_update(EVP_CIPHER_CTX* ctx, std::span<const std::uint8_t> in,
                   std::span<std::uint8_t> out);

}  // namespace tame
