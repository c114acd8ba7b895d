// tame manufacture ca / ta: the manufacturer's side (docs/keyservice.md has the layouts).
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "tame/certificate.hpp"
#include "tame/files.hpp"
#include "tame/kdf.hpp"
#include "tame/manufacture.hpp"
#include "tame/x509.hpp"

namespace tame::app {
namespace {

// The output folder, 0700 whatever the umask; if this run made it and then fails, it is
// removed again (it is still empty then: the model writes its files last).
class OutputDir {
 public:
  explicit OutputDir(const std::string& dir) : dir_(dir) {
    std::error_code ec;
    made_ = !std::filesystem::exists(dir_, ec);
    make_private_dir(dir_, "--dir");
  }
  ~OutputDir() {
    std::error_code ec;
    if (made_ && !kept_) std::filesystem::remove(dir_, ec);  // only if empty
  }
  void keep() { kept_ = true; }

 private:
  std::filesystem::path dir_;
  bool made_ = false, kept_ = false;
};

}  // namespace

int run_manufacture_ca(const ManufactureCaOptions& o) {
  OutputDir dir(o.dir);
  const CaMaterial ca = manufacture_ca(o.dir, o.manufacturer, o.days);
  dir.keep();
  const Bytes der = cert_pem_to_der(ca.cert_pem, "CA certificate");
  fmt::print("manufacturer CA \"{}\" in {}: fingerprint {}\n", o.manufacturer, o.dir,
             to_hex(sha256(der)));
  return 0;
}

int run_manufacture_ta(const ManufactureTaOptions& o) {
  std::optional<Bytes32> uds;
  if (!o.uds_hex.empty()) uds = to_fixed<32>(parse_hex(o.uds_hex, "--uds-hex"), "--uds-hex");
  OutputDir dir(o.dir);
  const TaCertificate cert = manufacture_ta(o.ca_dir, o.dir, o.cpu_model, uds, o.days);
  dir.keep();
  fmt::print("trust anchor in {}: CPU model {}, ta_cert_id {}\n", o.dir, cert.cpu_model,
             to_hex(cert.cert_id));
  return 0;
}

}  // namespace tame::app
