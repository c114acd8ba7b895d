// Small-file helpers: one read with a size cap, one atomic write.
#include "tame/files.hpp"

#include <fstream>
#include <iterator>

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

}  // namespace tame
