// The key service's policy: which manufacturer CAs, CPU models and images it releases keys
// for. Policy is the interface the decision logic reads (keyservice.hpp); MemoryPolicy
// serves tests and the fuzzers; SqlitePolicyStore is the real store, one SQLite file
// (schema in docs/keyservice.md), read on every request so that a revocation takes
// effect at once, also while `tame keyservice serve` runs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tame/bytes.hpp"
#include "tame/fixed_bytes.hpp"

struct sqlite3;

namespace tame {

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::vector<Bytes> allowed_ca_certs() const = 0;  // DER
  virtual bool cpu_model_allowed(std::string_view model) const = 0;
  virtual bool image_allowed(const Bytes32& image_id) const = 0;
};

class MemoryPolicy : public Policy {
 public:
  std::vector<Bytes> ca_certs;
  std::set<std::string, std::less<>> cpu_models;
  std::set<Bytes32> images;

  std::vector<Bytes> allowed_ca_certs() const override { return ca_certs; }
  bool cpu_model_allowed(std::string_view model) const override {
    return cpu_models.find(model) != cpu_models.end();
  }
  bool image_allowed(const Bytes32& id) const override { return images.count(id) != 0; }
};

struct AllowedCa {
  std::string fingerprint;  // SHA-256 of the certificate's DER, hex
  std::string subject;
  std::string added_at;     // UTC, ISO 8601
};
struct AllowedCpuModel {
  std::string model;
  std::string added_at;
};
struct AllowedImage {
  std::string image_id;  // hex
  std::string note;
  std::string added_at;
};

class SqlitePolicyStore : public Policy {
 public:
  // A new, empty store; refuses (naming the path) if the file exists.
  static void create(const std::filesystem::path& path);
  // Opens an existing store (tame::Error naming the path if it is missing or not one).
  explicit SqlitePolicyStore(const std::filesystem::path& path);
  ~SqlitePolicyStore() override;
  SqlitePolicyStore(const SqlitePolicyStore&) = delete;
  SqlitePolicyStore& operator=(const SqlitePolicyStore&) = delete;

  // A self-signed CA certificate (PEM) with basicConstraints CA:TRUE; returns its
  // fingerprint. Allowing it again is no error.
  std::string allow_ca(std::string_view cert_pem);
  // Each revoke_* returns false if there was nothing to revoke.
  bool revoke_ca(std::string_view fingerprint_hex);
  void allow_cpu_model(std::string_view model);
  bool revoke_cpu_model(std::string_view model);
  void allow_image(const Bytes32& image_id, std::string_view note = {});
  bool revoke_image(const Bytes32& image_id);

  std::vector<AllowedCa> list_cas() const;
  std::vector<AllowedCpuModel> list_cpu_models() const;
  std::vector<AllowedImage> list_images() const;

  std::vector<Bytes> allowed_ca_certs() const override;
  bool cpu_model_allowed(std::string_view model) const override;
  bool image_allowed(const Bytes32& image_id) const override;

 private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };
  std::string path_;
  std::unique_ptr<sqlite3, Closer> db_;
  mutable std::mutex mutex_;  // one connection, shared by the server's threads
};

}  // namespace tame
