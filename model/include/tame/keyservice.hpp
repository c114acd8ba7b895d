// The key service's decision (spec section 4, docs/protocol.md): given a request (M1,
// header[0:96], the TA certificate), its policy and its X25519 key, either M2 or a
// refusal with one named reason. The checks run in a fixed order: the request's form,
// the certificate (known, chains to an allowed CA), the CPU model, the image id, M1's
// signature, C1. Pure logic: the HTTP server (`tame keyservice serve`) wraps it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "tame/bytes.hpp"
#include "tame/fixed_bytes.hpp"
#include "tame/policy_store.hpp"
#include "tame/protocol.hpp"
#include "tame/x25519.hpp"

namespace tame {

// The key service directory (docs/keyservice.md):
//   ks-private.pem  the X25519 key, PKCS#8 PEM, mode 0600
//   ks-public.pem   its public half, SubjectPublicKeyInfo PEM (for `tame seal --ks-pub`)
//   policy.db       the SQLite policy store
inline constexpr const char* kKsPrivateFile = "ks-private.pem";
inline constexpr const char* kKsPublicFile = "ks-public.pem";
inline constexpr const char* kPolicyDbFile = "policy.db";

// Creates the three files with a fresh key; refuses to overwrite any of them.
// Returns the public key.
Bytes32 init_keyservice_dir(const std::filesystem::path& dir);
X25519Key load_ks_private_key(const std::filesystem::path& dir);
// A raw X25519 public key from a SubjectPublicKeyInfo PEM file.
Bytes32 load_ks_public_key(const std::filesystem::path& pem_file);

struct Decision {
  std::optional<M2Bytes> m2;  // set when the key is released
  Reason reason = Reason::kInternal;  // when refused
  std::string detail;                 // when refused: what the requester is told
  std::string internal_error;         // kInternal only: for the log, never sent
  // What the request named, for the log (hex; empty when it did not parse that far).
  std::string ta_cert_id, image_id, cpu_model;

  bool granted() const noexcept { return m2.has_value(); }
};

class KeyService {
 public:
  KeyService(X25519Key ks_key, const Policy& policy);

  const Bytes32& ks_pub() const noexcept { return ks_key_.public_key(); }
  const Bytes32& ks_key_id() const noexcept { return ks_key_id_; }

  // Never throws: anything wrong with the request is a refusal, anything wrong inside
  // (the store, say) is kInternal. Safe to call from several threads at once if the
  // policy is.
  Decision decide(const KeyRequest& request) const;
  // decode_request, then decide.
  Decision decide_body(std::string_view body) const;

 private:
  M2Bytes check_and_answer(const KeyRequest& request, Decision& d) const;

  X25519Key ks_key_;
  Bytes32 ks_key_id_;
  const Policy& policy_;
};

}  // namespace tame
