// Shared by the protocol tests: a manufacturer CA, trust anchors, a key service key and
// sealed headers made in memory, and a policy that allows them.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "tame/certificate.hpp"
#include "tame/image.hpp"
#include "tame/kdf.hpp"
#include "tame/keyservice.hpp"
#include "tame/policy_store.hpp"
#include "tame/ta.hpp"
#include "tame/ta_keys.hpp"
#include "tame/x509.hpp"
#include <fmt/format.h>

#include "test_support.hpp"

namespace tame::test {

// A new empty directory under the system's temporary directory.
inline std::filesystem::path fresh_temp_dir(std::string_view name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   fmt::format("tame-{}-{}-{:08x}", name, getpid(), std::random_device{}());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline Bytes32 bytes32(std::uint8_t fill) {
  Bytes32 b;
  b.fill(fill);
  return b;
}

struct TestTa {
  Bytes32 uds;
  TaKeys keys;
  Bytes cert_der;
};

inline TestTa make_test_ta(const CaMaterial& ca, std::string_view cpu_model, std::uint8_t uds_fill) {
  TestTa ta;
  ta.uds = bytes32(uds_fill);
  ta.keys = derive_ta_keys(ta.uds);
  ta.cert_der = issue_ta_certificate(ca, ta.keys, cpu_model, 365);
  return ta;
}

inline Bytes ca_der(const CaMaterial& ca) { return cert_pem_to_der(ca.cert_pem, "test CA"); }

// A header sealed to ks_pub with a known K_img (payload length chosen, no payload).
inline ImageHeader sealed_header(const Bytes32& ks_pub, Cipher cipher, const Bytes& k_img,
                                 std::uint8_t id_fill, std::uint64_t length = 10000) {
  ImageHeader h;
  h.cipher = cipher;
  h.payload_length = length;
  h.ctr_nonce = 0x0102030405060708ULL;
  h.image_id = bytes32(id_fill);
  h.ks_pub = ks_pub;
  seal_c1(h, k_img);
  return h;
}

inline Bytes aad_bytes(const ImageHeader& h) {
  const HeaderAad a = h.aad();
  return Bytes(a.begin(), a.end());
}

inline Bytes m1_bytes(const M1Bytes& m1) { return Bytes(m1.begin(), m1.end()); }

// The usual world: one CA, a TA on an allowed CPU model, a key service, an allowed image.
struct World {
  CaMaterial ca = create_ca("Test Silicon", 365);
  TestTa ta = make_test_ta(ca, "tame-x1", 0x11);
  X25519Key ks_key = X25519Key(bytes32(0x5a));
  Bytes k_img = Bytes(32, 0x77);
  ImageHeader header = sealed_header(ks_key.public_key(), Cipher::kAes256Ctr, k_img, 0x33);
  MemoryPolicy policy;

  World() {
    policy.ca_certs.push_back(ca_der(ca));
    policy.cpu_models.insert("tame-x1");
    policy.images.insert(header.image_id);
  }
  TrustAnchor trust_anchor(std::uint8_t entropy_fill = 0x42) const {
    return TrustAnchor(ta.uds, ta.cert_der, Bytes(TrustAnchor::kEntropySize, entropy_fill));
  }
  KeyRequest request(TrustAnchor& anchor) const {
    return {m1_bytes(anchor.make_m1(header)), aad_bytes(header), ta.cert_der};
  }
};

}  // namespace tame::test
