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
  explicit AtomicFile(std::filesystem::path target);  // throws tame::Error naming the path
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
