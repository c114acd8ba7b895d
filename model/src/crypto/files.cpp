// Small-file helpers: one read with a size cap, one atomic write.
#include "tame/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

#include <fmt/format.h>

#include "tame/atomic_file.hpp"
#include "tame/fixed_bytes.hpp"

namespace tame {

std::string read_text_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(path.string(), std::filesystem::exists(path, ec) ? "is not a regular file"
                                                                 : "does not exist");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string(), "cannot be opened for reading");
  std::string text;
  text.resize(max_bytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw Error(path.string(), "read failed");
  if (text.size() > max_bytes) {
    throw Error(path.string(), fmt::format("is larger than {} bytes", max_bytes));
  }
  return text;
}

Bytes read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  const std::string text = read_text_file(path, max_bytes);
  return Bytes(text.begin(), text.end());
}

void write_file(const std::filesystem::path& path, std::span<const std::uint8_t> data,
                std::filesystem::perms perms) {
  AtomicFile out(path, perms);
  out.write(data);
  out.commit();
}

void write_text_file(const std::filesystem::path& path, std::string_view text,
                     std::filesystem::perms perms) {
  write_file(path, text_bytes(text), perms);
}

void check_output_file(const std::filesystem::path& path, std::string_view option) {
  namespace fs = std::filesystem;
  const std::string shown = path.string();
  if (path.empty()) throw Error(option, "no path given");
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (fs::is_directory(st)) throw Error(option, fmt::format("'{}' is a directory", shown));
  if (fs::exists(st) && !fs::is_regular_file(st)) {
    throw Error(option, fmt::format("'{}' exists and is not a regular file", shown));
  }
  fs::path parent = path.parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_directory(parent, ec)) {
    throw Error(option, fmt::format("'{}': the folder '{}' does not exist", shown, parent.string()));
  }
  // The real test: can a file be made beside it (read-only folders, /proc, full quotas)?
  fs::path probe = path;
  probe += fmt::format(".partial-{:08x}", std::random_device{}());
  const int slot = register_temp_file(probe);
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  const int err = errno;
  if (fd >= 0) {
    ::close(fd);
    ::unlink(probe.c_str());
  }
  forget_temp_file(slot);
  if (fd < 0 && err != EEXIST) {
    throw Error(option, fmt::format("'{}' cannot be created: {}", shown, std::strerror(err)));
  }
}

std::uint64_t regular_file_size(const std::filesystem::path& path, std::string_view option) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) throw Error(option, fmt::format("'{}' does not exist", path.string()));
  if (fs::is_directory(st)) throw Error(option, fmt::format("'{}' is a directory", path.string()));
  if (!fs::is_regular_file(st)) {
    throw Error(option, fmt::format("'{}' is not a regular file (a device or a pipe has no "
                                    "size to read to)",
                                    path.string()));
  }
  const std::uint64_t size = fs::file_size(path, ec);
  if (ec) throw Error(option, fmt::format("'{}': {}", path.string(), ec.message()));
  return size;
}

void make_private_dir(const std::filesystem::path& dir, std::string_view option) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  const fs::path parent = dir.parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) make_private_dir(parent, option);
  if (::mkdir(dir.c_str(), 0700) != 0) {
    const int err = errno;
    if (err == EEXIST && fs::is_directory(dir, ec)) return;  // made by someone else meanwhile
    throw Error(option, fmt::format("'{}' cannot be created: {}", dir.string(), std::strerror(err)));
  }
  // mkdir's mode passed through the umask, which can only have removed bits.
  if (::chmod(dir.c_str(), 0700) != 0) {
    throw Error(option, fmt::format("'{}': cannot set mode 0700: {}", dir.string(),
                                    std::strerror(errno)));
  }
}

}  // namespace tame
