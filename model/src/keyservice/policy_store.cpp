// SQLite through its C API with prepared statements only (no SQL is ever built from
// input). WAL journaling lets `tame keyservice policy` write while `serve` reads.
#include "tame/policy_store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tame/certificate.hpp"
#include "tame/kdf.hpp"
#include "tame/x509.hpp"

namespace tame {
namespace {

constexpr int kSchemaVersion = 1;
constexpr const char* kSchema = R"sql(
CREATE TABLE allowed_ca (
  fingerprint TEXT PRIMARY KEY,      -- SHA-256 of the CA certificate's DER, lowercase hex
  subject     TEXT NOT NULL,         -- the CA's subject, one line, for people
  cert_der    BLOB NOT NULL,         -- the certificate, to verify TA certificates against
  added_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE allowed_cpu_model (
  model    TEXT PRIMARY KEY,         -- as in the TA certificate's CPU model extension
  added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE allowed_image (
  image_id TEXT PRIMARY KEY,         -- the sealed image's image_id, lowercase hex
  note     TEXT NOT NULL DEFAULT '',
  added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
PRAGMA user_version = 1;
)sql";

struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

[[noreturn]] void fail(sqlite3* db, std::string_view path, std::string_view what) {
  throw Error(path, fmt::format("{}: {}", what, db ? sqlite3_errmsg(db) : "out of memory"));
}

Stmt prepare(sqlite3* db, std::string_view path, const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) fail(db, path, "prepare");
  return Stmt(s);
}

void bind_text(sqlite3* db, std::string_view path, sqlite3_stmt* s, int i, std::string_view t) {
  // An empty string_view may have a null data(), which SQLite would bind as NULL.
  const char* data = t.empty() ? "" : t.data();
  if (sqlite3_bind_text(s, i, data, static_cast<int>(t.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(db, path, "bind");
  }
}

// Runs a statement that returns no rows; the number of rows it changed.
int run(sqlite3* db, std::string_view path, sqlite3_stmt* s) {
  if (sqlite3_step(s) != SQLITE_DONE) fail(db, path, "write");
  return sqlite3_changes(db);
}

std::string column_text(sqlite3_stmt* s, int i) {
  const auto* t = sqlite3_column_text(s, i);
  return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
}

bool exists_row(sqlite3* db, std::string_view path, const char* sql, std::string_view key) {
  const Stmt s = prepare(db, path, sql);
  bind_text(db, path, s.get(), 1, key);
  const int rc = sqlite3_step(s.get());
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail(db, path, "read");
  return rc == SQLITE_ROW;
}

sqlite3* open_db(const std::filesystem::path& path, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    throw Error(path.string(), fmt::format("cannot open the policy store: {}", msg));
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

}  // namespace

void SqlitePolicyStore::Closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

void SqlitePolicyStore::create(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    throw Error(path.string(), "already exists; refusing to overwrite the policy store");
  }
  // The file is made here, 0600 whatever the umask, and SQLite opens it empty; it gives
  // the -wal and -shm files the same mode.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0) {
    const int err = errno;
    if (fd >= 0) {
      ::close(fd);
      std::filesystem::remove(path, ec);
    }
    throw Error(path.string(), fmt::format("cannot create the policy store: {}", std::strerror(err)));
  }
  ::close(fd);
  std::unique_ptr<sqlite3, Closer> db;
  try {
    db.reset(open_db(path, SQLITE_OPEN_READWRITE));
  } catch (...) {
    std::filesystem::remove(path, ec);
    throw;
  }
  char* err = nullptr;
  if (sqlite3_exec(db.get(), "PRAGMA journal_mode = WAL;", nullptr, nullptr, &err) != SQLITE_OK ||
      sqlite3_exec(db.get(), kSchema, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    db.reset();
    std::filesystem::remove(path, ec);
    throw Error(path.string(), fmt::format("cannot create the policy store: {}", msg));
  }
}

SqlitePolicyStore::SqlitePolicyStore(const std::filesystem::path& path) : path_(path.string()) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(path_, "no policy store here (run `tame keyservice init` first)");
  }
  db_.reset(open_db(path, SQLITE_OPEN_READWRITE));
  const Stmt s = prepare(db_.get(), path_, "PRAGMA user_version");
  if (sqlite3_step(s.get()) != SQLITE_ROW || sqlite3_column_int(s.get(), 0) != kSchemaVersion) {
    throw Error(path_, fmt::format("not a TAME policy store of schema version {}", kSchemaVersion));
  }
}

SqlitePolicyStore::~SqlitePolicyStore() = default;

std::string SqlitePolicyStore::allow_ca(std::string_view cert_pem) {
  const X509Ptr cert = cert_from_pem(cert_pem, "CA certificate");
  if (X509_check_ca(cert.get()) == 0) {
    throw Error("CA certificate", "is not a CA (basicConstraints CA:TRUE is missing)");
  }
  if (X509_self_signed(cert.get(), 1) != 1) {
    throw Error("CA certificate", "is not self-signed (the store takes manufacturer root CAs)");
  }
  const Bytes der = cert_to_der(cert.get());
  const std::string fingerprint = to_hex(sha256(der));
  char* subject_raw = X509_NAME_oneline(X509_get_subject_name(cert.get()), nullptr, 0);
  const std::string subject = subject_raw ? subject_raw : "";
  OPENSSL_free(subject_raw);

  const std::lock_guard lock(mutex_);
  const Stmt s = prepare(db_.get(), path_,
                         "INSERT OR IGNORE INTO allowed_ca (fingerprint, subject, cert_der) "
                         "VALUES (?1, ?2, ?3)");
  bind_text(db_.get(), path_, s.get(), 1, fingerprint);
  bind_text(db_.get(), path_, s.get(), 2, subject);
  if (sqlite3_bind_blob(s.get(), 3, der.data(), static_cast<int>(der.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK) {
    fail(db_.get(), path_, "bind");
  }
  run(db_.get(), path_, s.get());
  return fingerprint;
}

bool SqlitePolicyStore::revoke_ca(std::string_view fingerprint_hex) {
  const Bytes fp = parse_hex(fingerprint_hex, "CA fingerprint");
  check_size(fp, 32, "CA fingerprint");
  const std::lock_guard lock(mutex_);
  const Stmt s = prepare(db_.get(), path_, "DELETE FROM allowed_ca WHERE fingerprint = ?1");
  bind_text(db_.get(), path_, s.get(), 1, to_hex(fp));
  return run(db_.get(), path_, s.get()) > 0;
}

void SqlitePolicyStore::allow_cpu_model(std::string_view model) {
  check_cpu_model(model, "CPU model");
  const std::lock_guard lock(mutex_);
  const Stmt s = prepare(db_.get(), path_,
                         "INSERT OR IGNORE INTO allowed_cpu_model (model) VALUES (?1)");
  bind_text(db_.get(), path_, s.get(), 1, model);
  run(db_.get(), path_, s.get());
}

bool SqlitePolicyStore::revoke_cpu_model(std::string_view model) {
  const std::lock_guard lock(mutex_);
  const Stmt s = prepare(db_.get(), path_, "DELETE FROM allowed_cpu_model WHERE model = ?1");
  bind_text(db_.get(), path_, s.get(), 1, model);
  return run(db_.get(), path_, s.get()) > 0;
}

void SqlitePolicyStore::allow_image(const Bytes32& image_id, std::string_view note) {
  if (note.size() > 200) throw Error("image note", "longer than 200 characters");
  const std::lock_guard lock(mutex_);
  const Stmt s = prepare(db_.get(), path_,
                         "INSERT INTO allowed_image (image_id, note) VALUES (?1, ?2) "
                         "ON CONFLICT (image_id) DO UPDATE SET note = excluded.note");
  bind_text(db_.get(), path_, s.get(), 1, to_hex(image_id));
  bind_text(db_.get(), path_, s.get(), 2, note);
  run(db_.get(), path_, s.get());
}

bool SqlitePolicyStore::revoke_image(const Bytes32& image_id) {
  const std::lock_guard lock(mutex_);
  const Stmt s = prepare(db_.get(), path_, "DELETE FROM allowed_image WHERE image_id = ?1");
  bind_text(db_.get(), path_, s.get(), 1, to_hex(image_id));
  return run(db_.get(), path_, s.get()) > 0;
}

std::vector<AllowedCa> SqlitePolicyStore::list_cas() const {
  const std::lock_guard lock(mutex_);
  const Stmt s = prepare(db_.get(), path_,
                         "SELECT fingerprint, subject, added_at FROM allowed_ca ORDER BY added_at, "
                         "fingerprint");
  std::vector<AllowedCa> out;
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    out.push_back({column_text(s.get(), 0), column_text(s.get(), 1), column_text(s.get(), 2)});
  }
  return out;
}

std::vector<AllowedCpuModel> SqlitePolicyStore::list_cpu_models() const {
  const std::lock_guard lock(mutex_);
  const Stmt s = prepare(db_.get(), path_,
                         "SELECT model, added_at FROM allowed_cpu_model ORDER BY model");
  std::vector<AllowedCpuModel> out;
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    out.push_back({column_text(s.get(), 0), column_text(s.get(), 1)});
  }
  return out;
}

std::vector<AllowedImage> SqlitePolicyStore::list_images() const {
  const std::lock_guard lock(mutex_);
  const Stmt s = prepare(db_.get(), path_,
                         "SELECT image_id, note, added_at FROM allowed_image ORDER BY added_at, "
                         "image_id");
  std::vector<AllowedImage> out;
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    out.push_back({column_text(s.get(), 0), column_text(s.get(), 1), column_text(s.get(), 2)});
  }
  return out;
}

std::vector<Bytes> SqlitePolicyStore::allowed_ca_certs() const {
  const std::lock_guard lock(mutex_);
  const Stmt s = prepare(db_.get(), path_, "SELECT cert_der FROM allowed_ca");
  std::vector<Bytes> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s.get(), 0));
    out.emplace_back(p, p + sqlite3_column_bytes(s.get(), 0));
  }
  if (rc != SQLITE_DONE) fail(db_.get(), path_, "read");
  return out;
}

bool SqlitePolicyStore::cpu_model_allowed(std::string_view model) const {
  const std::lock_guard lock(mutex_);
  return exists_row(db_.get(), path_, "SELECT 1 FROM allowed_cpu_model WHERE model = ?1", model);
}

bool SqlitePolicyStore::image_allowed(const Bytes32& image_id) const {
  const std::lock_guard lock(mutex_);
  return exists_row(db_.get(), path_, "SELECT 1 FROM allowed_image WHERE image_id = ?1",
                    to_hex(image_id));
}

}  // namespace tame
