// CTR_DRBG per SP 800-90A 10.2.1 with AES-256 and no derivation function. V is the whole
// 128-bit counter (ctr_len = blocklen), incremented as one big-endian number.
#include "tame/drbg.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/crypto.h>

#include "tame/evp.hpp"

namespace tame {
namespace {

constexpr unsigned kStrength = 256;  // security strength of AES-256 CTR_DRBG, in bits

void check_entropy(std::span<const std::uint8_t> entropy) {
  if (entropy.size() != CtrDrbg::kSeedLen) {
    throw Error("CTR_DRBG entropy input",
                fmt::format("is {} bytes, expected {} (seedlen; no derivation function)",
                            entropy.size(), CtrDrbg::kSeedLen));
  }
}

void check_optional_input(std::span<const std::uint8_t> input, const char* field) {
  if (input.size() > CtrDrbg::kSeedLen) {
    throw Error(field, fmt::format("is {} bytes, at most {} without a derivation function",
                                   input.size(), CtrDrbg::kSeedLen));
  }
}

// input || 0^(seedlen - len(input)), XORed into seed (SP 800-90A 10.2.1.3.1 step 2,
// 10.2.1.4.1 step 2, 10.2.1.5.1 step 2.1).
template <class Seed>
void xor_padded(Seed& seed, std::span<const std::uint8_t> input) noexcept {
  for (std::size_t i = 0; i < input.size(); ++i) seed[i] ^= input[i];
}

}  // namespace

CtrDrbg::~CtrDrbg() { uninstantiate(); }

void CtrDrbg::uninstantiate() noexcept {
  OPENSSL_cleanse(key_.data(), key_.size());
  OPENSSL_cleanse(v_.data(), v_.size());
  reseed_counter_ = 0;
  instantiated_ = false;
}

void CtrDrbg::increment_v() noexcept {
  for (std::size_t i = v_.size(); i-- > 0;) {
    if (++v_[i] != 0) break;
  }
}

void CtrDrbg::require_instantiated(const char* op) const {
  if (!instantiated_) throw Error(op, "the DRBG is not instantiated");
}

void CtrDrbg::update(const Seed& provided_data) {
  // temp = E(Key, V+1) || E(Key, V+2) || E(Key, V+3): exactly seedlen bytes.
  Seed temp;
  for (std::size_t i = 0; i < kSeedLen; i += kOutLen) {
    increment_v();
    std::copy(v_.begin(), v_.end(), temp.begin() + i);
  }
  AesEcb(key_).encrypt_blocks(temp, temp);
  for (std::size_t i = 0; i < kSeedLen; ++i) temp[i] ^= provided_data[i];
  std::copy_n(temp.begin(), kKeyLen, key_.begin());
  std::copy_n(temp.begin() + kKeyLen, kOutLen, v_.begin());
  OPENSSL_cleanse(temp.data(), temp.size());
}

void CtrDrbg::instantiate(std::span<const std::uint8_t> entropy_input,
                          std::span<const std::uint8_t> personalization) {
  check_entropy(entropy_input);
  check_optional_input(personalization, "CTR_DRBG personalization string");
  Seed seed_material{};
  xor_padded(seed_material, entropy_input);
  xor_padded(seed_material, personalization);
  key_.fill(0);
  v_.fill(0);
  update(seed_material);
  OPENSSL_cleanse(seed_material.data(), seed_material.size());
  reseed_counter_ = 1;
  instantiated_ = true;
}

void CtrDrbg::reseed(std::span<const std::uint8_t> entropy_input,
                     std::span<const std::uint8_t> additional_input) {
  require_instantiated("CTR_DRBG reseed");
  check_entropy(entropy_input);
  check_optional_input(additional_input, "CTR_DRBG additional input");
  Seed seed_material{};
  xor_padded(seed_material, entropy_input);
  xor_padded(seed_material, additional_input);
  update(seed_material);
  OPENSSL_cleanse(seed_material.data(), seed_material.size());
  reseed_counter_ = 1;
}

void CtrDrbg::generate(std::span<std::uint8_t> out,
                       std::span<const std::uint8_t> additional_input) {
  require_instantiated("CTR_DRBG generate");
  if (out.empty()) {
    throw Error("CTR_DRBG generate",
                "a request for 0 bytes is refused (SP 800-90A would still run Update; OpenSSL's "
                "CTR-DRBG leaves its state alone, so the two would part)");
  }
  if (out.size() > kMaxRequestBytes) {
    throw Error("CTR_DRBG generate",
                fmt::format("request of {} bytes exceeds the limit of {} (2^19 bits)",
                            out.size(), kMaxRequestBytes));
  }
  check_optional_input(additional_input, "CTR_DRBG additional input");
  if (reseed_counter_ > kReseedInterval) {
    throw Error("CTR_DRBG generate",
                fmt::format("reseed required: the reseed counter {} exceeds the limit 2^48",
                            reseed_counter_));
  }
  Seed additional{};
  xor_padded(additional, additional_input);
  if (!additional_input.empty()) update(additional);

  // Counter blocks V+1, V+2, ... encrypted in one call, then cut to the request.
  const std::size_t nblocks = (out.size() + kOutLen - 1) / kOutLen;
  Bytes stream(nblocks * kOutLen);
  for (std::size_t b = 0; b < nblocks; ++b) {
    increment_v();
    std::copy(v_.begin(), v_.end(), stream.begin() + b * kOutLen);
  }
  AesEcb(key_).encrypt_blocks(stream, stream);
  std::copy_n(stream.begin(), out.size(), out.begin());
  OPENSSL_cleanse(stream.data(), stream.size());

  update(additional);  // 0^seedlen when there was no additional input
  OPENSSL_cleanse(additional.data(), additional.size());
  ++reseed_counter_;
}

Bytes CtrDrbg::generate(std::size_t n, std::span<const std::uint8_t> additional_input) {
  Bytes out(n);
  generate(std::span<std::uint8_t>(out), additional_input);
  return out;
}

OpensslCtrDrbg::OpensslCtrDrbg() {
  const RandPtr test_rand{EVP_RAND_fetch(nullptr, "TEST-RAND", nullptr)};
  if (!test_rand) throw_openssl("fetch TEST-RAND");
  parent_.reset(EVP_RAND_CTX_new(test_rand.get(), nullptr));
  if (!parent_) throw_openssl("EVP_RAND_CTX_new TEST-RAND");
  unsigned strength = kStrength;
  OSSL_PARAM parent_params[] = {
      OSSL_PARAM_construct_uint(OSSL_RAND_PARAM_STRENGTH, &strength),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_RAND_CTX_set_params(parent_.get(), parent_params) != 1 ||
      EVP_RAND_instantiate(parent_.get(), kStrength, 0, nullptr, 0, nullptr) != 1) {
    throw_openssl("TEST-RAND setup");
  }

  const RandPtr ctr_drbg{EVP_RAND_fetch(nullptr, "CTR-DRBG", nullptr)};
  if (!ctr_drbg) throw_openssl("fetch CTR-DRBG");
  drbg_.reset(EVP_RAND_CTX_new(ctr_drbg.get(), parent_.get()));
  if (!drbg_) throw_openssl("EVP_RAND_CTX_new CTR-DRBG");
  char cipher[] = "AES-256-CTR";
  int use_df = 0;
  unsigned reseed_requests = 0;  // 0: no reseed after a number of requests
  time_t reseed_time = 0;        // 0: no reseed after a time
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_DRBG_PARAM_CIPHER, cipher, 0),
      OSSL_PARAM_construct_int(OSSL_DRBG_PARAM_USE_DF, &use_df),
      OSSL_PARAM_construct_uint(OSSL_DRBG_PARAM_RESEED_REQUESTS, &reseed_requests),
      OSSL_PARAM_construct_time_t(OSSL_DRBG_PARAM_RESEED_TIME_INTERVAL, &reseed_time),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_RAND_CTX_set_params(drbg_.get(), params) != 1) throw_openssl("CTR-DRBG parameters");
}

void OpensslCtrDrbg::inject_entropy(std::span<const std::uint8_t> entropy_input) {
  check_entropy(entropy_input);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_RAND_PARAM_TEST_ENTROPY,
                                        const_cast<std::uint8_t*>(entropy_input.data()),
                                        entropy_input.size()),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_RAND_CTX_set_params(parent_.get(), params) != 1) throw_openssl("TEST-RAND entropy");
}

void OpensslCtrDrbg::instantiate(std::span<const std::uint8_t> entropy_input,
                                 std::span<const std::uint8_t> personalization) {
  inject_entropy(entropy_input);
  if (EVP_RAND_instantiate(drbg_.get(), kStrength, 0, nonnull_data(personalization),
                           personalization.size(), nullptr) != 1) {
    throw_openssl("OpenSSL CTR-DRBG instantiate");
  }
}

void OpensslCtrDrbg::reseed(std::span<const std::uint8_t> entropy_input,
                            std::span<const std::uint8_t> additional_input) {
  inject_entropy(entropy_input);
  if (EVP_RAND_reseed(drbg_.get(), 0, nullptr, 0, nonnull_data(additional_input),
                      additional_input.size()) != 1) {
    throw_openssl("OpenSSL CTR-DRBG reseed");
  }
}

Bytes OpensslCtrDrbg::generate(std::size_t n, std::span<const std::uint8_t> additional_input) {
  Bytes out(n);
  if (EVP_RAND_generate(drbg_.get(), out.data(), n,
                        kStrength, 0, nonnull_data(additional_input),
                        additional_input.size()) != 1) {
    throw_openssl("OpenSSL CTR-DRBG generate");
  }
  return out;
}

}  // namespace tame
