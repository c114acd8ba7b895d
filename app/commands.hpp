// The subcommands of `tame` (spec section 6), one function each; main.cpp parses the
// command line into these option structs. Each returns the exit status and throws
// std::exception for an error (main prints its one line).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tame/bytes.hpp"

namespace tame::app {

struct ManufactureCaOptions {
  std::string dir, manufacturer;
  int days = 0;
};
struct ManufactureTaOptions {
  std::string ca_dir, dir, cpu_model, uds_hex;
  int days = 0;
};
int run_manufacture_ca(const ManufactureCaOptions& o);
int run_manufacture_ta(const ManufactureTaOptions& o);

struct SealOptions {
  std::string in, out, ks_pub, cipher = "aes-256-ctr";
  bool quiet = false;
};
int run_seal(const SealOptions& o);

struct InspectOptions {
  std::string image;
  bool json = false;
};
int run_inspect(const InspectOptions& o);

int run_keyservice_init(const std::string& dir);

struct PolicyOptions {
  std::string dir;
  std::string action;  // allow-ca, revoke-ca, allow-cpu-model, ..., list
  std::string value;   // the certificate file, fingerprint, model or image id
  std::string image;   // allow-image --image SEALED
  std::string note;
  bool json = false;
};
int run_policy(const PolicyOptions& o);

struct ServeOptions {
  std::string dir, listen, log;
  int threads = 8;
  // The front end's limits (docs/keyservice.md); the body limit is the protocol's 64 KiB.
  int max_connections = 256;
  int max_header_bytes = 8192;
  int header_timeout_ms = 5000;
  int body_timeout_ms = 10000;
  int idle_timeout_ms = 5000;
};
int run_serve(const ServeOptions& o);

struct BootOptions {
  std::string image, ta, keyservice, out, dump_messages, dram_dump;
  bool quiet = false;
};
int run_boot(const BootOptions& o);

// Runs f; a tame::Error from it is put under the option that named the file, so every
// error reads "tame: --option: reason" ("--ks-pub: k.pem: does not exist").
template <typename F>
auto for_option(std::string_view option, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    if (std::string_view(e.what()).starts_with(option)) throw;
    throw Error(option, e.what());
  }
}

// Progress on stderr, only when stderr is a terminal: "label  42%  1.2 GiB / 2.9 GiB".
class Progress {
 public:
  Progress(const char* label, bool enabled);
  ~Progress();
  void update(std::uint64_t done, std::uint64_t total);

 private:
  const char* label_;
  bool enabled_;
  int last_percent_ = -1;
};

}  // namespace tame::app
