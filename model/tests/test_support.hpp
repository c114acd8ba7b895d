// Shared by the model's tests: hex literals, vector files and replayable random seeds.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tame/aes.hpp"
#include "tame/bytes.hpp"

namespace tame::test {

inline Bytes hex(std::string_view text) { return parse_hex(text, "test vector"); }

inline Block block(std::string_view text) {
  const Bytes b = hex(text);
  Block out{};
  if (b.size() != out.size()) throw Error("test vector", "not 16 bytes");
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

// A missing or unreadable vector file fails the test; it is never a silent skip.
inline ::testing::AssertionResult load_vectors(const std::string& name, nlohmann::json& doc) {
  const std::filesystem::path path = std::filesystem::path(TAME_VECTORS_DIR) / name;
  std::ifstream in(path);
  if (!in) return ::testing::AssertionFailure() << "cannot open vector file " << path;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    return ::testing::AssertionFailure() << path << ": " << e.what();
  }
  return ::testing::AssertionSuccess();
}

// Seed for a randomized test: TAME_SEED from the environment replays a failure,
// otherwise a fresh one. Printed so that every run can be replayed.
inline std::uint64_t test_seed() {
  std::uint64_t seed;
  if (const char* env = std::getenv("TAME_SEED"); env != nullptr && *env != '\0') {
    seed = std::stoull(env, nullptr, 0);
  } else {
    std::random_device rd;
    seed = (std::uint64_t{rd()} << 32) ^ rd();
  }
  std::cout << "[   seed   ] TAME_SEED=" << seed << '\n';
  ::testing::Test::RecordProperty("TAME_SEED", std::to_string(seed));
  return seed;
}

inline Bytes random_bytes(std::mt19937_64& rng, std::size_t n) {
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

inline Block random_block(std::mt19937_64& rng) {
  Block out;
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

}  // namespace tame::test
