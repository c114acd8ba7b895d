// Files of manufacture. Secrets are written 0600 through AtomicFile, and nothing is
// overwritten: a second CA or UDS in the same place would orphan what was issued before.
#include "tame/manufacture.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "tame/files.hpp"
#include "tame/x509.hpp"
#include "tame/ta_keys.hpp"

namespace tame {
namespace {

namespace fs = std::filesystem;

void make_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) throw Error(dir.string(), "cannot create the directory");
}

void refuse_existing(const fs::path& file) {
  std::error_code ec;
  if (fs::exists(file, ec)) {
    throw Error(file.string(), "already exists; refusing to overwrite it");
  }
}

}  // namespace

CaMaterial manufacture_ca(const fs::path& dir, std::string_view manufacturer, int valid_days) {
  make_dir(dir);
  refuse_existing(dir / kCaKeyFile);
  refuse_existing(dir / kCaCertFile);
  CaMaterial ca = create_ca(manufacturer, valid_days);
  write_text_file(dir / kCaKeyFile, ca.key_pem, kSecretFilePerms);
  write_text_file(dir / kCaCertFile, ca.cert_pem);
  return ca;
}

CaMaterial load_ca(const fs::path& dir) {
  return {read_text_file(dir / kCaKeyFile), read_text_file(dir / kCaCertFile)};
}

TaCertificate manufacture_ta(const fs::path& ca_dir, const fs::path& ta_dir,
                             std::string_view cpu_model, std::optional<Bytes32> uds,
                             int valid_days) {
  const CaMaterial ca = load_ca(ca_dir);
  make_dir(ta_dir);
  refuse_existing(ta_dir / kUdsFile);
  Bytes32 secret;
  if (uds) {
    secret = *uds;
  } else if (RAND_priv_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
    throw_openssl("UDS generation");
  }
  const TaKeys keys = derive_ta_keys(secret);
  const Bytes der = issue_ta_certificate(ca, keys, cpu_model, valid_days);
  const TaCertificate cert = TaCertificate::parse_der(der, "TA certificate");

  write_file(ta_dir / kUdsFile, secret, kSecretFilePerms);
  OPENSSL_cleanse(secret.data(), secret.size());
  write_text_file(ta_dir / kTaCertFile, cert_to_pem(cert_from_der(der, "TA certificate").get()));
  write_text_file(ta_dir / kCaCertFile, ca.cert_pem);
  const nlohmann::json info = {{"ta_cert_id", to_hex(cert.cert_id)},
                               {"manufacturer", cert.manufacturer},
                               {"common_name", cert.common_name},
                               {"cpu_model", cert.cpu_model},
                               {"pk_sig", to_hex(cert.pk_sig)},
                               {"pk_kem", to_hex(cert.pk_kem)}};
  write_text_file(ta_dir / kTaInfoFile, info.dump(2) + "\n");
  return cert;
}

TaFiles::~TaFiles() { OPENSSL_cleanse(uds.data(), uds.size()); }

TaFiles load_ta(const fs::path& ta_dir) {
  TaFiles files;
  Bytes uds = read_file(ta_dir / kUdsFile, 64);
  try {
    files.uds = to_fixed<kUdsSize>(uds, (ta_dir / kUdsFile).string());
  } catch (...) {
    OPENSSL_cleanse(uds.data(), uds.size());
    throw;
  }
  OPENSSL_cleanse(uds.data(), uds.size());
  files.cert_der = cert_pem_to_der(read_text_file(ta_dir / kTaCertFile),
                                   (ta_dir / kTaCertFile).string());
  return files;
}

}  // namespace tame
