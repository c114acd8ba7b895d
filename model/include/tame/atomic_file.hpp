// An output file that appears whole or not at all: bytes go to a temporary file beside
// the target, which is renamed over it on commit() and removed if commit() never comes.
#pragma once

#include <filesystem>
#include <fstream>
#include <span>
#include <cstdint>

namespace tame {

class AtomicFile {
 public:
  // throws tame::Error naming the path. perms (if given) are set on the file before any
  // byte is written: 0600 for a file that holds a secret.
  explicit AtomicFile(std::filesystem::path target,
                      std::filesystem::perms perms = std::filesystem::perms::unknown);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::span<const std::uint8_t> bytes);     // throws on a failed write
  void commit();                                       // flush, close and rename

 private:
  std::filesystem::path target_, temp_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace tame
