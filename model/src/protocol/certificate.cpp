// Certificates through OpenSSL's X509 API. The TAME extensions are built as DER by hand
// (an OBJECT and a DER-encoded value) because OpenSSL has no names for them.
#include "tame/certificate.hpp"

#include <algorithm>
#include <climits>

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "tame/kdf.hpp"
#include "tame/sig.hpp"
#include "tame/x509.hpp"

namespace tame {
namespace {

constexpr long kSecondsPerDay = 24 * 60 * 60;

Asn1ObjectPtr oid(const char* dotted) {
  Asn1ObjectPtr obj{OBJ_txt2obj(dotted, 1)};
  if (!obj) throw_openssl(fmt::format("OID {}", dotted));
  return obj;
}

std::string name_entry(const X509_NAME* name, int nid) {
  const int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return {};
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, s);
  if (len < 0) {
    ERR_clear_error();
    return {};
  }
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

std::string one_line(const X509_NAME* name) {
  const BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) < 0) {
    throw_openssl("X509_NAME_print_ex");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

// The extension's inner DER (the content of extnValue), or nullopt if it is absent.
// Present twice is refused: the certificate would say two things.
std::optional<Bytes> extension_value(const X509* cert, const char* dotted, std::string_view field) {
  const Asn1ObjectPtr obj = oid(dotted);
  const int i = X509_get_ext_by_OBJ(cert, obj.get(), -1);
  if (i < 0) return std::nullopt;
  if (X509_get_ext_by_OBJ(cert, obj.get(), i) >= 0) {
    throw Error(field, fmt::format("extension {} appears twice", dotted));
  }
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert, i));
  const unsigned char* p = ASN1_STRING_get0_data(data);
  return Bytes(p, p + ASN1_STRING_length(data));
}

// One DER value of the given ASN.1 type filling the whole span, or an error.
template <class T, auto D2i, auto Free>
std::unique_ptr<T, detail::EvpFree<Free>> decode_whole(const Bytes& der, std::string_view field,
                                                      std::string_view what,
                                                      std::string_view type) {
  const unsigned char* p = der.data();
  std::unique_ptr<T, detail::EvpFree<Free>> v{D2i(nullptr, &p, static_cast<long>(der.size()))};
  if (!v || p != der.data() + der.size()) {
    ERR_clear_error();
    throw Error(field, fmt::format("{} is not one DER {}", what, type));
  }
  return v;
}

X509ExtensionPtr custom_extension(const char* dotted, const Bytes& value_der) {
  const Asn1ObjectPtr obj = oid(dotted);
  const Asn1OctetStringPtr data{ASN1_OCTET_STRING_new()};
  if (!data || ASN1_OCTET_STRING_set(data.get(), value_der.data(),
                                     static_cast<int>(value_der.size())) != 1) {
    throw_openssl("extension value");
  }
  X509ExtensionPtr ext{X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), 0, data.get())};
  if (!ext) throw_openssl(fmt::format("extension {}", dotted));
  return ext;
}

template <class T, auto I2d>
Bytes to_der(const T* value) {
  unsigned char* buf = nullptr;
  const int len = I2d(value, &buf);
  if (len <= 0) throw_openssl("i2d");
  Bytes der(buf, buf + len);
  OPENSSL_free(buf);
  return der;
}

void add_conf_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  const X509ExtensionPtr ext{X509V3_EXT_conf_nid(nullptr, ctx, nid, value)};
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    throw_openssl(fmt::format("extension {} = {}", OBJ_nid2sn(nid), value));
  }
}

void add_name_entry(X509_NAME* name, const char* field, std::string_view value) {
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1) {
    throw_openssl(fmt::format("subject {}", field));
  }
}

// A positive random 127-bit serial number.
void set_random_serial(X509* cert) {
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1) throw_openssl("serial number");
  raw[0] &= 0x7f;
  raw[0] |= 0x40;  // a full 16 bytes, never a leading zero
  const BignumPtr bn{BN_bin2bn(raw, sizeof raw, nullptr)};
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))) {
    throw_openssl("serial number");
  }
}

// Version 3, serial, validity from an hour ago (clock skew) for valid_days.
X509Ptr new_certificate(int valid_days) {
  if (valid_days < 1 || valid_days > 100 * 365) {
    throw Error("--days", fmt::format("{} is not between 1 and {}", valid_days, 100 * 365));
  }
  X509Ptr cert{X509_new()};
  if (!cert || X509_set_version(cert.get(), 2) != 1) throw_openssl("X509_new");
  set_random_serial(cert.get());
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), valid_days * kSecondsPerDay)) {
    throw_openssl("validity");
  }
  return cert;
}

PkeyPtr ed25519_pkey(std::span<const std::uint8_t> raw, bool is_private) {
  PkeyPtr pkey{is_private
                   ? EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size())
                   : EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size())};
  if (!pkey) throw_openssl("Ed25519 key");
  return pkey;
}

void sign_certificate(X509* cert, EVP_PKEY* key) {
  // Ed25519 signs the whole TBSCertificate; it takes no digest.
  if (X509_sign(cert, key, nullptr) <= 0) throw_openssl("certificate signature");
}

}  // namespace

void check_cpu_model(std::string_view model, std::string_view field) {
  if (model.empty() || model.size() > kMaxCpuModelLength) {
    throw Error(field, fmt::format("is {} characters, expected 1 to {}", model.size(),
                                   kMaxCpuModelLength));
  }
  for (char c : model) {
    if (c < 0x21 || c > 0x7e) throw Error(field, "must be printable ASCII without spaces");
  }
}

TaCertificate TaCertificate::parse_der(std::span<const std::uint8_t> der, std::string_view field) {
  const X509Ptr cert = cert_from_der(der, field);
  TaCertificate c;
  c.der.assign(der.begin(), der.end());
  c.cert_id = sha256(der);
  const X509_NAME* subject = X509_get_subject_name(cert.get());
  c.manufacturer = name_entry(subject, NID_organizationName);
  c.common_name = name_entry(subject, NID_commonName);
  c.issuer = one_line(X509_get_issuer_name(cert.get()));
  if (c.manufacturer.empty()) throw Error(field, "the subject has no O (manufacturer)");
  EVP_PKEY* pkey = X509_get0_pubkey(cert.get());
  if (pkey == nullptr) {
    ERR_clear_error();
    throw Error(field, "the subject public key does not decode");
  }
  c.pk_sig = raw_public_key("ED25519", pkey, fmt::format("{} subject public key", field));

  const auto model = extension_value(cert.get(), kOidCpuModel, field);
  if (!model) throw Error(field, fmt::format("no CPU model extension ({})", kOidCpuModel));
  const auto utf8 = decode_whole<ASN1_UTF8STRING, &d2i_ASN1_UTF8STRING, &ASN1_UTF8STRING_free>(
      *model, field, "the CPU model extension", "UTF8String");
  c.cpu_model.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(utf8.get())),
                     static_cast<std::size_t>(ASN1_STRING_length(utf8.get())));

  const auto kem = extension_value(cert.get(), kOidTaKemKey, field);
  if (!kem) throw Error(field, fmt::format("no X25519 key extension ({})", kOidTaKemKey));
  const auto octets = decode_whole<ASN1_OCTET_STRING, &d2i_ASN1_OCTET_STRING,
                                   &ASN1_OCTET_STRING_free>(*kem, field, "the X25519 key extension",
                                                            "OCTET STRING");
  const unsigned char* k = ASN1_STRING_get0_data(octets.get());
  c.pk_kem = to_fixed<32>(std::span(k, static_cast<std::size_t>(ASN1_STRING_length(octets.get()))),
                          fmt::format("{} X25519 key extension", field));
  return c;
}

TaCertificate TaCertificate::parse_pem(std::string_view pem, std::string_view field) {
  return parse_der(cert_pem_to_der(pem, field), field);
}

std::optional<std::string> verify_chain(std::span<const std::uint8_t> cert_der,
                                        const std::vector<Bytes>& trusted_ca_ders) {
  const X509Ptr cert = cert_from_der(cert_der, "certificate");
  const X509StorePtr store{X509_STORE_new()};
  if (!store) throw_openssl("X509_STORE_new");
  for (const Bytes& der : trusted_ca_ders) {
    const X509Ptr ca = cert_from_der(der, "trusted CA certificate");
    if (X509_STORE_add_cert(store.get(), ca.get()) != 1) {
      ERR_clear_error();  // the same CA twice is no error
    }
  }
  const X509StoreCtxPtr ctx{X509_STORE_CTX_new()};
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr) != 1) {
    throw_openssl("X509_STORE_CTX_init");
  }
  const int ok = X509_verify_cert(ctx.get());
  const int err = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  if (ok == 1) return std::nullopt;
  return std::string(X509_verify_cert_error_string(err));
}

CaMaterial create_ca(std::string_view manufacturer, int valid_days) {
  if (manufacturer.empty() || manufacturer.size() > 64) {
    throw Error("--manufacturer", "must be 1 to 64 characters");
  }
  Bytes32 seed;
  if (RAND_priv_bytes(seed.data(), static_cast<int>(seed.size())) != 1) {
    throw_openssl("CA key generation");
  }
  const PkeyPtr key = ed25519_pkey(seed, true);
  CaMaterial ca;
  ca.key_pem = private_key_to_pem("ED25519", seed);
  OPENSSL_cleanse(seed.data(), seed.size());

  const X509Ptr cert = new_certificate(valid_days);
  X509_NAME* name = X509_get_subject_name(cert.get());
  add_name_entry(name, "O", manufacturer);
  add_name_entry(name, "CN", fmt::format("{} TAME manufacturer CA", manufacturer));
  if (X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1) {
    throw_openssl("CA certificate");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  add_conf_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE");
  add_conf_extension(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_conf_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  sign_certificate(cert.get(), key.get());
  ca.cert_pem = cert_to_pem(cert.get());
  return ca;
}

Bytes issue_ta_certificate(const CaMaterial& ca, const TaKeys& keys, std::string_view cpu_model,
                           int valid_days) {
  check_cpu_model(cpu_model, "--cpu-model");
  const X509Ptr ca_cert = cert_from_pem(ca.cert_pem, "CA certificate");
  Bytes32 ca_seed = private_key_from_pem("ED25519", ca.key_pem, "CA private key");
  const PkeyPtr ca_key = ed25519_pkey(ca_seed, true);
  OPENSSL_cleanse(ca_seed.data(), ca_seed.size());
  if (X509_check_private_key(ca_cert.get(), ca_key.get()) != 1) {
    ERR_clear_error();
    throw Error("CA private key", "does not match the CA certificate");
  }
  const std::string manufacturer =
      name_entry(X509_get_subject_name(ca_cert.get()), NID_organizationName);
  if (manufacturer.empty()) throw Error("CA certificate", "the subject has no O (manufacturer)");

  const X509Ptr cert = new_certificate(valid_days);
  X509_NAME* name = X509_get_subject_name(cert.get());
  add_name_entry(name, "O", manufacturer);
  add_name_entry(name, "CN", fmt::format("TAME TA {}", to_hex(std::span(keys.pk_sig).first(8))));
  const PkeyPtr subject_key = ed25519_pkey(keys.pk_sig, false);
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get())) != 1 ||
      X509_set_pubkey(cert.get(), subject_key.get()) != 1) {
    throw_openssl("TA certificate");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca_cert.get(), cert.get(), nullptr, nullptr, 0);
  add_conf_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
  add_conf_extension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature");
  add_conf_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  add_conf_extension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");

  const Asn1Utf8StringPtr model{ASN1_UTF8STRING_new()};
  if (!model || ASN1_STRING_set(model.get(), cpu_model.data(), static_cast<int>(cpu_model.size())) != 1) {
    throw_openssl("CPU model");
  }
  const Asn1OctetStringPtr kem{ASN1_OCTET_STRING_new()};
  if (!kem || ASN1_OCTET_STRING_set(kem.get(), keys.pk_kem.data(), 32) != 1) {
    throw_openssl("X25519 key");
  }
  const X509ExtensionPtr model_ext =
      custom_extension(kOidCpuModel, to_der<ASN1_UTF8STRING, &i2d_ASN1_UTF8STRING>(model.get()));
  const X509ExtensionPtr kem_ext =
      custom_extension(kOidTaKemKey, to_der<ASN1_OCTET_STRING, &i2d_ASN1_OCTET_STRING>(kem.get()));
  if (X509_add_ext(cert.get(), model_ext.get(), -1) != 1 ||
      X509_add_ext(cert.get(), kem_ext.get(), -1) != 1) {
    throw_openssl("TAME extension");
  }
  sign_certificate(cert.get(), ca_key.get());
  return cert_to_der(cert.get());
}

}  // namespace tame
