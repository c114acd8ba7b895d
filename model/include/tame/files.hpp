// Whole small files in and out (keys, certificates, messages): reads refuse a missing or
// oversized file by its path, writes go through AtomicFile.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "tame/bytes.hpp"

namespace tame {

// The file's bytes; tame::Error "<path>: ..." if it cannot be read or is over max_bytes.
Bytes read_file(const std::filesystem::path& path, std::size_t max_bytes = 1 << 20);
std::string read_text_file(const std::filesystem::path& path, std::size_t max_bytes = 1 << 20);

// The whole file appears at once, with perms if given (0600 for a secret).
void write_file(const std::filesystem::path& path, std::span<const std::uint8_t> data,
                std::filesystem::perms perms = std::filesystem::perms::unknown);
void write_text_file(const std::filesystem::path& path, std::string_view text,
                     std::filesystem::perms perms = std::filesystem::perms::unknown);

// Owner read and write only.
inline constexpr std::filesystem::perms kSecretFilePerms =
    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;

}  // namespace tame
