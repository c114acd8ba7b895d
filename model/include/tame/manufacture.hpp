// Manufacture on disk: a manufacturer CA directory and a provisioned trust anchor's
// directory (docs/keyservice.md lists both layouts).
//   CA dir:  ca-key.pem   the CA's Ed25519 key, PKCS#8 PEM, mode 0600
//            ca-cert.pem  the CA's self-signed certificate
//   TA dir:  uds.bin      the 32-byte device secret (the fuse value), mode 0600
//            ta-cert.pem  the TA certificate issued by the CA
//            ca-cert.pem  a copy of the issuing CA's certificate (for `openssl verify`)
//            ta.json      what is public about the TA: ta_cert_id, CPU model, both keys
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

#include "tame/bytes.hpp"
#include "tame/certificate.hpp"
#include "tame/fixed_bytes.hpp"

namespace tame {

inline constexpr const char* kCaKeyFile = "ca-key.pem";
inline constexpr const char* kCaCertFile = "ca-cert.pem";
inline constexpr const char* kUdsFile = "uds.bin";
inline constexpr const char* kTaCertFile = "ta-cert.pem";
inline constexpr const char* kTaInfoFile = "ta.json";
inline constexpr int kDefaultCaDays = 20 * 365;
inline constexpr int kDefaultTaDays = 15 * 365;

// Creates dir if needed; refuses (naming the file) to overwrite an existing CA key.
CaMaterial manufacture_ca(const std::filesystem::path& dir, std::string_view manufacturer,
                          int valid_days = kDefaultCaDays);
CaMaterial load_ca(const std::filesystem::path& dir);

// Provisions a TA in ta_dir with a fresh UDS (or the given one, for tests and for the
// RTL's fixed fuse value); refuses to overwrite an existing uds.bin. Returns its
// certificate.
TaCertificate manufacture_ta(const std::filesystem::path& ca_dir,
                             const std::filesystem::path& ta_dir, std::string_view cpu_model,
                             std::optional<Bytes32> uds = std::nullopt,
                             int valid_days = kDefaultTaDays);

// What a TA directory holds for the model's trust anchor.
struct TaFiles {
  Bytes32 uds{};
  Bytes cert_der;
  ~TaFiles();
};
TaFiles load_ta(const std::filesystem::path& ta_dir);

}  // namespace tame
