// An output file that appears whole or not at all: bytes go to a temporary file beside
// the target (TARGET.partial-XXXXXXXX), which is renamed over it on commit() and removed
// if commit() never comes: on an exception, and on SIGINT, SIGTERM or SIGHUP, whose
// handler removes every temporary file of the process and then dies of the same signal.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace tame {

// Modes set explicitly on the file, whatever the umask.
inline constexpr std::filesystem::perms kPublicFilePerms =
    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
    std::filesystem::perms::group_read | std::filesystem::perms::others_read;  // 0644
inline constexpr std::filesystem::perms kSecretFilePerms =
    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;  // 0600

class AtomicFile {
 public:
  // Creates the temporary file now, so that an output that cannot be made fails before
  // any work; throws tame::Error "<target>: <reason>". The mode is set before any byte
  // is written: kSecretFilePerms for a file that holds a secret.
  explicit AtomicFile(std::filesystem::path target,
                      std::filesystem::perms perms = kPublicFilePerms);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::span<const std::uint8_t> bytes);     // throws on a failed write
  void commit();                                       // flush, close and rename
  void discard();                                      // remove the temporary file now

  const std::filesystem::path& target() const noexcept { return target_; }

 private:
  void flush_buffer();

  std::filesystem::path target_, temp_;
  int fd_ = -1;
  int slot_ = -1;  // in the process's registry of temporary files
  std::string buffer_;
  bool committed_ = false;
};

// Removes the file at `path` if the process dies of SIGINT, SIGTERM or SIGHUP before
// forget_temp_file(slot). For temporary files made without AtomicFile. Returns the slot,
// or -1 when the registry is full (the file is then not cleaned up on a signal).
int register_temp_file(const std::filesystem::path& path);
void forget_temp_file(int slot) noexcept;

}  // namespace tame
