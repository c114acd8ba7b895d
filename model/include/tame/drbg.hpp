// NIST SP 800-90A CTR_DRBG, AES-256, no derivation function (spec section 5): the TA's
// random source for ta_nonce and K_mem. Written here on AesEcb, step by step after
// SP 800-90A 10.2.1, so that the RTL DRBG can be compared with its Key, V and counter.
// OpensslCtrDrbg runs OpenSSL's own CTR-DRBG on injected entropy, to check this one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "tame/aes.hpp"
#include "tame/bytes.hpp"
#include "tame/evp_extra.hpp"
#include "tame/fixed_bytes.hpp"

namespace tame {

class CtrDrbg {
 public:
  static constexpr std::size_t kKeyLen = 32;   // AES-256
  static constexpr std::size_t kOutLen = 16;   // block length
  static constexpr std::size_t kSeedLen = 48;  // keylen + outlen
  // SP 800-90A table 3: reseed_interval <= 2^48 generate requests, each at most 2^19 bits.
  static constexpr std::uint64_t kReseedInterval = std::uint64_t{1} << 48;
  static constexpr std::size_t kMaxRequestBytes = (std::size_t{1} << 19) / 8;  // 65536

  using Key = FixedBytes<kKeyLen>;

  CtrDrbg() = default;  // not instantiated: generate and reseed refuse
  ~CtrDrbg();           // zeroizes Key and V
  CtrDrbg(const CtrDrbg&) = delete;
  CtrDrbg& operator=(const CtrDrbg&) = delete;

  // 10.2.1.3.1: Key = 0, V = 0, Update(entropy_input XOR personalization), counter = 1.
  // entropy_input is exactly 48 bytes; personalization at most 48 (zero-padded on the
  // right). Errors name "CTR_DRBG entropy input" / "CTR_DRBG personalization string".
  void instantiate(std::span<const std::uint8_t> entropy_input,
                   std::span<const std::uint8_t> personalization = {});
  // 10.2.1.4.1: Update(entropy_input XOR additional_input), counter = 1.
  void reseed(std::span<const std::uint8_t> entropy_input,
              std::span<const std::uint8_t> additional_input = {});
  // 10.2.1.5.1. 1 <= n <= 65536 bytes; additional_input at most 48 bytes, and empty means
  // "none" (no Update before the output, Update(0^seedlen) after it). Throws tame::Error
  // "CTR_DRBG generate: reseed required ..." once the counter exceeds 2^48. A request for
  // 0 bytes is refused: SP 800-90A's steps would still run Update (and count the request),
  // while OpenSSL 3.0's CTR-DRBG leaves its state alone, and the model must match both.
  void generate(std::span<std::uint8_t> out, std::span<const std::uint8_t> additional_input = {});
  Bytes generate(std::size_t n, std::span<const std::uint8_t> additional_input = {});
  // Zeroizes the state; generate and reseed refuse until instantiate.
  void uninstantiate() noexcept;

  bool instantiated() const noexcept { return instantiated_; }
  // The working state, for tests and the RTL comparison (never leaves the model).
  const Key& key() const noexcept { return key_; }
  const Block& v() const noexcept { return v_; }
  std::uint64_t reseed_counter() const noexcept { return reseed_counter_; }

  // Tests only: jump the counter to reach the reseed limit.
  void set_reseed_counter_for_test(std::uint64_t value) noexcept { reseed_counter_ = value; }

 private:
  using Seed = FixedBytes<kSeedLen>;
  // 10.2.1.2 CTR_DRBG_Update.
  void update(const Seed& provided_data);
  void increment_v() noexcept;
  void require_instantiated(const char* op) const;

  Key key_{};
  Block v_{};
  std::uint64_t reseed_counter_ = 0;
  bool instantiated_ = false;
};

// OpenSSL's CTR-DRBG (EVP_RAND "CTR-DRBG", cipher AES-256-CTR, use_derivation_function
// 0) under a "TEST-RAND" parent whose test_entropy is set to the given bytes before each
// instantiate and reseed. Its automatic reseeds (request count, time) are switched off.
// For comparisons only: it is fed entropy by the caller, like the CtrDrbg above.
class OpensslCtrDrbg {
 public:
  OpensslCtrDrbg();
  void instantiate(std::span<const std::uint8_t> entropy_input,
                   std::span<const std::uint8_t> personalization = {});
  void reseed(std::span<const std::uint8_t> entropy_input,
              std::span<const std::uint8_t> additional_input = {});
  Bytes generate(std::size_t n, std::span<const std::uint8_t> additional_input = {});

 private:
  void inject_entropy(std::span<const std::uint8_t> entropy_input);

  RandCtxPtr parent_;
  RandCtxPtr drbg_;
};

}  // namespace tame
