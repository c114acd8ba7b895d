// The decision, step by step in the documented order. K_img exists only between opening
// C1 and sealing C2, and is wiped on every path out.
#include "tame/keyservice.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "tame/certificate.hpp"
#include "tame/files.hpp"
#include "tame/image.hpp"
#include "tame/kdf.hpp"
#include "tame/x509.hpp"

namespace tame {
namespace {

namespace fs = std::filesystem;

struct Wiped {
  Bytes data;
  ~Wiped() { OPENSSL_cleanse(data.data(), data.size()); }
};

bool zero_secret(const Error& e) {
  return std::string_view(e.what()).starts_with(kX25519SharedSecretField);
}

}  // namespace

Bytes32 init_keyservice_dir(const fs::path& dir) {
  std::error_code ec;
  make_private_dir(dir, "--dir");
  for (const char* name : {kKsPrivateFile, kKsPublicFile, kPolicyDbFile}) {
    if (fs::exists(dir / name, ec)) {
      throw Error((dir / name).string(), "already exists; refusing to overwrite it");
    }
  }
  Bytes32 sk;
  if (RAND_priv_bytes(sk.data(), static_cast<int>(sk.size())) != 1) {
    throw_openssl("key service key generation");
  }
  const X25519Key key(sk);
  std::string pem = private_key_to_pem("X25519", sk);
  OPENSSL_cleanse(sk.data(), sk.size());
  try {
    SqlitePolicyStore::create(dir / kPolicyDbFile);
    write_text_file(dir / kKsPrivateFile, pem, kSecretFilePerms);
    write_text_file(dir / kKsPublicFile, public_key_to_pem("X25519", key.public_key()));
  } catch (...) {
    // All three files or none: a half-made key service would refuse a second init.
    OPENSSL_cleanse(pem.data(), pem.size());
    for (const char* name : {kKsPrivateFile, kKsPublicFile, kPolicyDbFile}) {
      fs::remove(dir / name, ec);
    }
    throw;
  }
  OPENSSL_cleanse(pem.data(), pem.size());
  return key.public_key();
}

X25519Key load_ks_private_key(const fs::path& dir) {
  const fs::path file = dir / kKsPrivateFile;
  std::string pem = read_text_file(file, 64 * 1024);
  Bytes32 sk;
  try {
    sk = private_key_from_pem("X25519", pem, file.string());
  } catch (...) {
    OPENSSL_cleanse(pem.data(), pem.size());
    throw;
  }
  OPENSSL_cleanse(pem.data(), pem.size());
  X25519Key key(sk);
  OPENSSL_cleanse(sk.data(), sk.size());
  return key;
}

Bytes32 load_ks_public_key(const fs::path& pem_file) {
  return public_key_from_pem("X25519", read_text_file(pem_file, 64 * 1024), pem_file.string());
}

KeyService::KeyService(X25519Key ks_key, const Policy& policy)
    : ks_key_(std::move(ks_key)), ks_key_id_(sha256(ks_key_.public_key())), policy_(policy) {}

Decision KeyService::decide_body(std::string_view body) const {
  try {
    return decide(decode_request(body));
  } catch (const ProtocolError& e) {
    Decision d;
    d.reason = e.reason;
    d.detail = e.detail;
    return d;
  } catch (const std::exception&) {
    Decision d;
    d.reason = Reason::kMalformedRequest;
    d.detail = "body: cannot be read";
    return d;
  }
}

Decision KeyService::decide(const KeyRequest& request) const {
  Decision d;
  try {
    d.m2 = check_and_answer(request, d);
  } catch (const ProtocolError& e) {
    d.reason = e.reason;
    d.detail = e.detail;
  } catch (const std::exception& e) {
    d.reason = Reason::kInternal;
    d.detail = "the key service could not decide; its log says why";
    d.internal_error = e.what();
  }
  return d;
}

M2Bytes KeyService::check_and_answer(const KeyRequest& request, Decision& d) const {
  // 1. The form: M1, header[0:96], their agreement, the key service, the certificate.
  const M1 m1 = M1::parse(request.m1);
  d.ta_cert_id = to_hex(m1.ta_cert_id);
  d.image_id = to_hex(m1.image_id);
  ImageHeader header;
  try {
    header = ImageHeader::parse_aad(request.image_header);
  } catch (const Error& e) {
    throw ProtocolError(Reason::kBadImageHeader, e.what());
  }
  if (header.image_id != m1.image_id) {
    throw ProtocolError(Reason::kHeaderMismatch,
                        fmt::format("image header image_id: is {}, M1 names {}",
                                    to_hex(header.image_id), to_hex(m1.image_id)));
  }
  if (header.ks_key_id() != m1.ks_key_id) {
    throw ProtocolError(Reason::kHeaderMismatch,
                        "image header ks_pub: its SHA-256 is not M1's ks_key_id");
  }
  if (m1.ks_key_id != ks_key_id_) {
    throw ProtocolError(Reason::kWrongKeyService,
                        fmt::format("M1 ks_key_id: is {}, this key service is {}",
                                    to_hex(m1.ks_key_id), to_hex(ks_key_id_)));
  }
  try {
    cert_from_der(request.ta_certificate, "TA certificate");
  } catch (const Error& e) {
    throw ProtocolError(Reason::kBadCertificate, e.what());
  }

  // 2. The certificate: the one M1 names, and chaining to an allowed manufacturer CA.
  if (sha256(request.ta_certificate) != m1.ta_cert_id) {
    throw ProtocolError(Reason::kUnknownCertificate,
                        "M1 ta_cert_id: is not SHA-256 of the certificate sent with it");
  }
  if (const auto why = verify_chain(request.ta_certificate, policy_.allowed_ca_certs())) {
    throw ProtocolError(Reason::kChainFails,
                        fmt::format("TA certificate: does not chain to an allowed manufacturer "
                                    "CA ({})",
                                    *why));
  }
  TaCertificate cert;
  try {
    cert = TaCertificate::parse_der(request.ta_certificate, "TA certificate");
  } catch (const Error& e) {
    throw ProtocolError(Reason::kBadCertificate, e.what());
  }
  d.cpu_model = cert.cpu_model;

  // 3. The CPU model, 4. the image.
  if (!policy_.cpu_model_allowed(cert.cpu_model)) {
    throw ProtocolError(Reason::kCpuModelNotAllowed,
                        fmt::format("TA certificate CPU model: \"{}\" is not allowed",
                                    cert.cpu_model));
  }
  if (!policy_.image_allowed(m1.image_id)) {
    throw ProtocolError(Reason::kImageNotAllowed,
                        fmt::format("M1 image_id: {} is not allowed", to_hex(m1.image_id)));
  }

  // 5. The signature.
  if (!m1.verify(cert.pk_sig)) {
    throw ProtocolError(Reason::kBadSignature,
                        "M1 signature: does not verify under the TA certificate's key");
  }

  // 6. C1, then C2 to the TA.
  header.enc1 = m1.enc1;
  header.ct1 = m1.ct1;
  Wiped k_img;
  try {
    k_img.data = open_c1(header, ks_key_);
  } catch (const Error& e) {
    if (zero_secret(e)) {
      throw ProtocolError(Reason::kZeroSharedSecret, fmt::format("M1 enc1: {}", e.what()));
    }
    throw ProtocolError(Reason::kC1DoesNotOpen, e.what());
  }
  return make_m2(request.m1, k_img.data, cert.pk_kem, ks_key_).serialize();
}

}  // namespace tame
