#include "tame/atomic_file.hpp"

#include <random>
#include <system_error>

#include <fmt/format.h>

#include "tame/bytes.hpp"

namespace tame {

AtomicFile::AtomicFile(std::filesystem::path target, std::filesystem::perms perms)
    : target_(std::move(target)) {
  std::random_device rd;
  temp_ = target_;
  temp_ += fmt::format(".partial-{:08x}", rd());
  out_.open(temp_, std::ios::binary | std::ios::trunc);
  if (!out_) throw Error(target_.string(), "cannot create the output file");
  if (perms != std::filesystem::perms::unknown) {
    std::error_code ec;
    std::filesystem::permissions(temp_, perms, std::filesystem::perm_options::replace, ec);
    if (ec) {
      out_.close();
      std::filesystem::remove(temp_, ec);
      throw Error(target_.string(), "cannot set the file's permissions");
    }
  }
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  out_.close();
  std::error_code ec;
  std::filesystem::remove(temp_, ec);  // nothing half-written is left behind
}

void AtomicFile::write(std::span<const std::uint8_t> bytes) {
  out_.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out_) throw Error(target_.string(), "write failed");
}

void AtomicFile::commit() {
  out_.flush();
  out_.close();
  if (!out_) throw Error(target_.string(), "write failed");
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) throw Error(target_.string(), "cannot move the finished file into place: " + ec.message());
  committed_ = true;
}

}  // namespace tame
