// Whole small files in and out (keys, certificates, messages): reads refuse a missing or
// oversized file by its path, writes go through AtomicFile.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "tame/atomic_file.hpp"
#include "tame/bytes.hpp"

namespace tame {

// The file's bytes; tame::Error "<path>: ..." if it cannot be read or is over max_bytes.
Bytes read_file(const std::filesystem::path& path, std::size_t max_bytes = 1 << 20);
std::string read_text_file(const std::filesystem::path& path, std::size_t max_bytes = 1 << 20);

// The whole file appears at once, with exactly these perms whatever the umask (0644, or
// kSecretFilePerms 0600 for a secret).
void write_file(const std::filesystem::path& path, std::span<const std::uint8_t> data,
                std::filesystem::perms perms = kPublicFilePerms);
void write_text_file(const std::filesystem::path& path, std::string_view text,
                     std::filesystem::perms perms = kPublicFilePerms);

// Checks, before any work, that an output file can be made: not a directory, not a device
// or other non-regular file, in a folder that exists and takes a new file (a probe file
// is made and removed). Throws tame::Error "<option>: '<path>' <reason>".
void check_output_file(const std::filesystem::path& path, std::string_view option);

// The size of an input that must be a regular file (not a directory, a device or a pipe,
// whose size means nothing). Throws tame::Error "<option>: '<path>' <reason>".
std::uint64_t regular_file_size(const std::filesystem::path& path, std::string_view option);

// Owner-only folders (0700) whatever the umask, made if missing (with parents); an
// existing folder is left as it is. Throws tame::Error "<option>: '<path>' <reason>".
inline constexpr std::filesystem::perms kPrivateDirPerms = std::filesystem::perms::owner_all;
void make_private_dir(const std::filesystem::path& dir, std::string_view option);

}  // namespace tame
