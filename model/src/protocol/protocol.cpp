// M1 and M2 to the byte of spec section 4, and their JSON carriage over HTTP. Parsers
// check the length first and then the 8-byte prefix field by field, so that each
// refusal has one reason.
#include "tame/protocol.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include "tame/hpke.hpp"
#include "tame/kdf.hpp"

namespace tame {
namespace {

using Json = nlohmann::json;

void write_prefix(std::uint8_t type, std::uint8_t* out) {
  std::copy(kMsgMagic.begin(), kMsgMagic.end(), out);
  out[4] = kMsgVersion;
  out[5] = type;
  out[6] = static_cast<std::uint8_t>(kSuite1 >> 8);
  out[7] = static_cast<std::uint8_t>(kSuite1);
}

void check_message(std::span<const std::uint8_t> b, std::size_t size, std::uint8_t type,
                   std::string_view name) {
  if (b.size() != size) {
    throw ProtocolError(Reason::kBadLength,
                        fmt::format("{}: is {} bytes, expected {} ({})", name, b.size(), size,
                                    b.size() < size ? "truncated" : "oversized"));
  }
  if (!std::equal(kMsgMagic.begin(), kMsgMagic.end(), b.begin())) {
    throw ProtocolError(Reason::kBadMagic, fmt::format("{} magic: is {}, expected \"{}\"", name,
                                                       to_hex(b.first(4)), kMsgMagic));
  }
  if (b[4] != kMsgVersion) {
    throw ProtocolError(Reason::kBadVersion,
                        fmt::format("{} version: is {}, expected {}", name, b[4], kMsgVersion));
  }
  if (b[5] != type) {
    throw ProtocolError(Reason::kBadType,
                        fmt::format("{} type: is {}, expected {}", name, b[5], type));
  }
  if (const int suite = b[6] << 8 | b[7]; suite != kSuite1) {
    throw ProtocolError(Reason::kBadSuite,
                        fmt::format("{} suite: is {}, expected {}", name, suite, kSuite1));
  }
}

template <std::size_t N>
void get(std::span<const std::uint8_t> b, std::size_t& off, FixedBytes<N>& out) {
  std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(off), N, out.begin());
  off += N;
}
template <std::size_t N>
void put(std::span<std::uint8_t> b, std::size_t& off, const FixedBytes<N>& in) {
  std::copy(in.begin(), in.end(), b.begin() + static_cast<std::ptrdiff_t>(off));
  off += N;
}

bool is_zero_secret_error(const Error& e) {
  return std::string_view(e.what()).starts_with(kX25519SharedSecretField);
}

Bytes hex_field(const Json& doc, const char* name) {
  const auto it = doc.find(name);
  if (it == doc.end()) {
    throw ProtocolError(Reason::kMalformedRequest, fmt::format("\"{}\": missing", name));
  }
  if (!it->is_string()) {
    throw ProtocolError(Reason::kMalformedRequest, fmt::format("\"{}\": not a string", name));
  }
  try {
    return parse_hex(it->get_ref<const std::string&>(), fmt::format("\"{}\"", name));
  } catch (const Error& e) {
    throw ProtocolError(Reason::kMalformedRequest, e.what());
  }
}

}  // namespace

std::string_view reason_name(Reason reason) noexcept {
  switch (reason) {
    case Reason::kMalformedRequest: return "malformed-request";
    case Reason::kBadLength: return "bad-length";
    case Reason::kBadMagic: return "bad-magic";
    case Reason::kBadVersion: return "bad-version";
    case Reason::kBadType: return "bad-type";
    case Reason::kBadSuite: return "bad-suite";
    case Reason::kBadImageHeader: return "bad-image-header";
    case Reason::kHeaderMismatch: return "header-mismatch";
    case Reason::kWrongKeyService: return "wrong-key-service";
    case Reason::kBadCertificate: return "bad-certificate";
    case Reason::kUnknownCertificate: return "unknown-certificate";
    case Reason::kChainFails: return "chain-fails";
    case Reason::kCpuModelNotAllowed: return "cpu-model-not-allowed";
    case Reason::kImageNotAllowed: return "image-not-allowed";
    case Reason::kBadSignature: return "bad-signature";
    case Reason::kC1DoesNotOpen: return "c1-does-not-open";
    case Reason::kZeroSharedSecret: return "zero-shared-secret";
    case Reason::kNoPendingRequest: return "no-pending-request";
    case Reason::kStaleM2: return "stale-m2";
    case Reason::kC2DoesNotOpen: return "c2-does-not-open";
    case Reason::kInternal: return "internal-error";
  }
  return "internal-error";
}

int reason_http_status(Reason reason) noexcept {
  switch (reason) {
    case Reason::kMalformedRequest:
    case Reason::kBadLength:
    case Reason::kBadMagic:
    case Reason::kBadVersion:
    case Reason::kBadType:
    case Reason::kBadSuite:
    case Reason::kBadImageHeader:
    case Reason::kHeaderMismatch:
    case Reason::kWrongKeyService:
    case Reason::kBadCertificate:
      return 400;
    case Reason::kInternal:
      return 500;
    default:
      return 403;
  }
}

ProtocolError::ProtocolError(Reason r, std::string_view d)
    : Error(reason_name(r), d), reason(r), detail(d) {}

Bytes M1::signed_message() const {
  const M1Bytes b = serialize();
  return concat(text_bytes(kM1SigLabel), std::span(b).first(kM1SignedSize));
}

void M1::sign(const Ed25519Key& sk_sig) { signature = sk_sig.sign(signed_message()); }

bool M1::verify(std::span<const std::uint8_t> pk_sig) const {
  return ed25519_verify(pk_sig, signed_message(), signature);
}

M1Bytes M1::serialize() const {
  M1Bytes b{};
  write_prefix(kTypeM1, b.data());
  std::size_t off = kMsgPrefixSize;
  for (const Bytes32* f : {&ta_cert_id, &ta_nonce, &image_id, &ks_key_id, &enc1}) put(b, off, *f);
  put(b, off, ct1);
  put(b, off, signature);
  return b;
}

M1 M1::parse(std::span<const std::uint8_t> b) {
  check_message(b, kM1Size, kTypeM1, "M1");
  M1 m;
  std::size_t off = kMsgPrefixSize;
  for (Bytes32* f : {&m.ta_cert_id, &m.ta_nonce, &m.image_id, &m.ks_key_id, &m.enc1}) {
    get(b, off, *f);
  }
  get(b, off, m.ct1);
  get(b, off, m.signature);
  return m;
}

Bytes M2::c2_aad() const {
  FixedBytes<kMsgPrefixSize> prefix;
  write_prefix(kTypeM2, prefix.data());
  return concat(prefix, m1_digest);
}

M2Bytes M2::serialize() const {
  M2Bytes b{};
  write_prefix(kTypeM2, b.data());
  std::size_t off = kMsgPrefixSize;
  put(b, off, m1_digest);
  put(b, off, enc2);
  put(b, off, ct2);
  return b;
}

M2 M2::parse(std::span<const std::uint8_t> b) {
  check_message(b, kM2Size, kTypeM2, "M2");
  M2 m;
  std::size_t off = kMsgPrefixSize;
  get(b, off, m.m1_digest);
  get(b, off, m.enc2);
  get(b, off, m.ct2);
  return m;
}

Bytes c2_info(const Bytes32& m1_digest) { return concat(text_bytes(kC2InfoLabel), m1_digest); }

M2 make_m2(std::span<const std::uint8_t> m1, std::span<const std::uint8_t> k_img,
           std::span<const std::uint8_t> ta_kem_pub, const X25519Key& ks_key,
           const X25519Key* skE) {
  if (k_img.size() + hpke::kNt > kCt1FieldSize) throw Error("K_img", "longer than 32 bytes");
  M2 m2;
  m2.m1_digest = sha256(m1);
  try {
    const Bytes info = c2_info(m2.m1_digest);
    const Bytes aad = m2.c2_aad();
    const hpke::Sealed c2 = skE ? hpke::seal_auth(ta_kem_pub, info, aad, k_img, ks_key, *skE)
                                : hpke::seal_auth(ta_kem_pub, info, aad, k_img, ks_key);
    m2.enc2 = c2.enc;
    std::copy(c2.ct.begin(), c2.ct.end(), m2.ct2.begin());
  } catch (const ProtocolError&) {
    throw;
  } catch (const Error& e) {
    if (is_zero_secret_error(e)) {
      throw ProtocolError(Reason::kZeroSharedSecret,
                          fmt::format("C2 to the TA's X25519 key: {}", e.what()));
    }
    throw;
  }
  return m2;
}

Bytes open_c2(const M2& m2, std::size_t key_len, const X25519Key& ta_kem,
              std::span<const std::uint8_t> ks_pub) {
  const std::size_t used = key_len + hpke::kNt;
  for (std::size_t i = used; i < m2.ct2.size(); ++i) {
    if (m2.ct2[i] != 0) {
      throw ProtocolError(Reason::kC2DoesNotOpen,
                          fmt::format("M2 ct2: padding byte {} is 0x{:02x}, must be zero", i,
                                      m2.ct2[i]));
    }
  }
  try {
    Bytes k = hpke::open_auth(m2.enc2, ta_kem, c2_info(m2.m1_digest), m2.c2_aad(),
                              std::span(m2.ct2).first(used), ks_pub);
    return k;
  } catch (const Error& e) {
    if (is_zero_secret_error(e)) {
      throw ProtocolError(Reason::kZeroSharedSecret, fmt::format("M2 enc2: {}", e.what()));
    }
    throw ProtocolError(Reason::kC2DoesNotOpen,
                        "M2 C2: does not open under the TA's key from the image's key service "
                        "(HPKE auth mode)");
  }
}

std::string encode_request(const KeyRequest& r) {
  return Json{{"m1", to_hex(r.m1)},
              {"image_header", to_hex(r.image_header)},
              {"ta_certificate", to_hex(r.ta_certificate)}}
      .dump();
}

KeyRequest decode_request(std::string_view body) {
  if (body.size() > kMaxRequestBody) {
    throw ProtocolError(Reason::kMalformedRequest,
                        fmt::format("body: {} bytes, at most {}", body.size(), kMaxRequestBody));
  }
  const Json doc = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw ProtocolError(Reason::kMalformedRequest, "body: not JSON");
  if (!doc.is_object()) throw ProtocolError(Reason::kMalformedRequest, "body: not a JSON object");
  for (const auto& [key, value] : doc.items()) {
    if (key != "m1" && key != "image_header" && key != "ta_certificate") {
      throw ProtocolError(Reason::kMalformedRequest,
                          fmt::format("body: unknown field \"{}\"", key.substr(0, 64)));
    }
  }
  return {hex_field(doc, "m1"), hex_field(doc, "image_header"), hex_field(doc, "ta_certificate")};
}

std::string encode_answer(const M2Bytes& m2) { return Json{{"m2", to_hex(m2)}}.dump(); }

std::string encode_refusal(Reason reason, std::string_view detail) {
  return Json{{"error", reason_name(reason)}, {"detail", detail}}.dump(
      -1, ' ', false, Json::error_handler_t::replace);
}

Bytes decode_answer(std::string_view body) {
  const Json doc = Json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("m2") || !doc["m2"].is_string()) {
    throw Error("key service answer", "not a JSON object with an \"m2\" string");
  }
  return parse_hex(doc["m2"].get_ref<const std::string&>(), "key service answer \"m2\"");
}

}  // namespace tame
