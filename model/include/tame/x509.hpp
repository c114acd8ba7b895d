// OpenSSL's X.509, BIO and ASN.1 handles (one deleter template, the one of evp.hpp), and
// the PEM and DER encodings the TAME files use: certificates, and Ed25519 / X25519 keys
// as PKCS#8 (private) and SubjectPublicKeyInfo (public) PEM, moved in and out as raw
// 32-byte keys so that the rest of the model stays on sig.hpp and x25519.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tame/bytes.hpp"
#include "tame/evp.hpp"
#include "tame/fixed_bytes.hpp"

namespace tame {

using BioPtr = std::unique_ptr<BIO, detail::EvpFree<&BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, detail::EvpFree<&X509_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, detail::EvpFree<&X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, detail::EvpFree<&X509_STORE_CTX_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, detail::EvpFree<&X509_EXTENSION_free>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, detail::EvpFree<&ASN1_OBJECT_free>>;
using Asn1OctetStringPtr =
    std::unique_ptr<ASN1_OCTET_STRING, detail::EvpFree<&ASN1_OCTET_STRING_free>>;
using Asn1Utf8StringPtr = std::unique_ptr<ASN1_UTF8STRING, detail::EvpFree<&ASN1_UTF8STRING_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, detail::EvpFree<&ASN1_INTEGER_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, detail::EvpFree<&BN_free>>;

// Certificates. Errors name `field` ("--cert", "request certificate") and the reason.
X509Ptr cert_from_der(std::span<const std::uint8_t> der, std::string_view field);
X509Ptr cert_from_pem(std::string_view pem, std::string_view field);
Bytes cert_to_der(const X509* cert);
std::string cert_to_pem(const X509* cert);
// The PEM text's first certificate as DER (what ta_cert_id hashes).
Bytes cert_pem_to_der(std::string_view pem, std::string_view field);

// Keys. alg is "ED25519" or "X25519". The private PEM is unencrypted PKCS#8 ("PRIVATE
// KEY"), the public PEM SubjectPublicKeyInfo ("PUBLIC KEY"), as `openssl genpkey` and
// `openssl pkey -pubout` write them. A PEM of another algorithm is refused by name.
std::string private_key_to_pem(const char* alg, std::span<const std::uint8_t> raw_private);
Bytes32 private_key_from_pem(const char* alg, std::string_view pem, std::string_view field);
std::string public_key_to_pem(const char* alg, std::span<const std::uint8_t> raw_public);
Bytes32 public_key_from_pem(const char* alg, std::string_view pem, std::string_view field);

// The raw 32-byte public key of an Ed25519 or X25519 EVP_PKEY (a certificate's subject
// key); refuses another algorithm, naming `field`.
Bytes32 raw_public_key(const char* alg, EVP_PKEY* pkey, std::string_view field);

}  // namespace tame
