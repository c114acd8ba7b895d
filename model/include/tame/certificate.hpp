// The trust anchor's X.509 certificate (spec section 4) and the manufacturer CA behind it.
// A TA certificate is X.509 v3, signed with Ed25519 by the manufacturer CA; its subject key
// is the TA's Ed25519 key (pk_sig) and its subject O the manufacturer. Two non-critical
// extensions under the private arc 1.3.6.1.4.1.32473.1 carry the rest (32473 is the
// enterprise number RFC 5612 sets aside for documentation; a real manufacturer puts its
// own arc here):
//   1.3.6.1.4.1.32473.1.1  tame-cpu-model   UTF8String, the CPU model
//   1.3.6.1.4.1.32473.1.2  tame-ta-kem-key  OCTET STRING, the raw 32-byte X25519 key
// `openssl x509 -text` prints the CPU model as text; `-certopt ext_parse` prints both,
// the key in hex. ta_cert_id = SHA-256 of the certificate's DER.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tame/bytes.hpp"
#include "tame/fixed_bytes.hpp"
#include "tame/ta_keys.hpp"

namespace tame {

inline constexpr const char* kOidCpuModel = "1.3.6.1.4.1.32473.1.1";
inline constexpr const char* kOidTaKemKey = "1.3.6.1.4.1.32473.1.2";
inline constexpr std::size_t kMaxCpuModelLength = 64;

// A CPU model is 1 to 64 printable ASCII characters without spaces (tame::Error naming
// `field` otherwise).
void check_cpu_model(std::string_view model, std::string_view field);

// What the TAME protocol reads from a TA certificate.
struct TaCertificate {
  Bytes der;
  Bytes32 cert_id{};  // SHA-256(der)
  std::string manufacturer;  // subject O
  std::string common_name;   // subject CN
  std::string issuer;        // the issuer's name, one line
  std::string cpu_model;
  Bytes32 pk_sig{};  // Ed25519 subject public key
  Bytes32 pk_kem{};  // X25519 key from the extension

  // tame::Error naming `field` and what is wrong (not DER, not Ed25519, an extension
  // missing or malformed, ...).
  static TaCertificate parse_der(std::span<const std::uint8_t> der, std::string_view field);
  static TaCertificate parse_pem(std::string_view pem, std::string_view field);
};

// The certificate chains to one of the trusted CA certificates (DER): signed by it, inside
// both validity periods, the CA a CA. nullopt when it does; otherwise OpenSSL's reason.
std::optional<std::string> verify_chain(std::span<const std::uint8_t> cert_der,
                                        const std::vector<Bytes>& trusted_ca_ders);

// A manufacturer CA: its Ed25519 key as PKCS#8 PEM and its self-signed certificate (PEM),
// with basicConstraints CA:TRUE and keyUsage keyCertSign, subject O = manufacturer.
struct CaMaterial {
  std::string key_pem;
  std::string cert_pem;
};
CaMaterial create_ca(std::string_view manufacturer, int valid_days);

// A TA certificate (DER) for the keys derived from a UDS, issued by the CA: subject
// O = the CA's O, CN = "TAME TA " followed by the first 8 bytes of pk_sig in hex, a random
// serial, basicConstraints CA:FALSE, keyUsage digitalSignature, and the two TAME
// extensions. Errors name the field (a CPU model that is empty,
// too long or not printable ASCII is refused as "--cpu-model").
Bytes issue_ta_certificate(const CaMaterial& ca, const TaKeys& keys, std::string_view cpu_model,
                           int valid_days);

}  // namespace tame
