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

int run_manufacture_ca(const ManufactureCaOptions& o) {
  make_private_dir(o.dir, "--dir");
  const CaMaterial ca = manufacture_ca(o.dir, o.manufacturer, o.days);
  const Bytes der = cert_pem_to_der(ca.cert_pem, "CA certificate");
  fmt::print("manufacturer CA \"{}\" in {}: fingerprint {}\n", o.manufacturer, o.dir,
             to_hex(sha256(der)));
  return 0;
}

int run_manufacture_ta(const ManufactureTaOptions& o) {
  std::optional<Bytes32> uds;
  if (!o.uds_hex.empty()) uds = to_fixed<32>(parse_hex(o.uds_hex, "--uds-hex"), "--uds-hex");
  make_private_dir(o.dir, "--dir");
  const TaCertificate cert = manufacture_ta(o.ca_dir, o.dir, o.cpu_model, uds, o.days);
  fmt::print("trust anchor in {}: CPU model {}, ta_cert_id {}\n", o.dir, cert.cpu_model,
             to_hex(cert.cert_id));
  return 0;
}

}  // namespace tame::app
