// EVP helpers the key-exchange and DRBG code adds to evp.hpp: owning handles for
// EVP_KDF and EVP_RAND objects (the same deleter template as evp.hpp's handles; kept in
// their own header only so that evp.hpp stays unchanged), and a non-null address for
// empty inputs.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "tame/evp.hpp"

namespace tame {

using KdfPtr = std::unique_ptr<EVP_KDF, detail::EvpFree<&EVP_KDF_free>>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, detail::EvpFree<&EVP_KDF_CTX_free>>;
using RandPtr = std::unique_ptr<EVP_RAND, detail::EvpFree<&EVP_RAND_free>>;
using RandCtxPtr = std::unique_ptr<EVP_RAND_CTX, detail::EvpFree<&EVP_RAND_CTX_free>>;

// OSSL_PARAM octet strings and some one-shot calls must not be given a null pointer even
// for zero bytes (OpenSSL then refuses them); this is a valid address for an empty span.
const std::uint8_t* nonnull_data(std::span<const std::uint8_t> data) noexcept;

}  // namespace tame
