// Manufacture: the CA and TA certificates, the chain check, the TAME extensions, the
// directory layouts, and the PEM key files.
#include <filesystem>

#include <gtest/gtest.h>

#include "protocol_support.hpp"
#include "tame/files.hpp"
#include "tame/manufacture.hpp"

namespace tame {
namespace {

using test::bytes32;
namespace fs = std::filesystem;

TEST(Certificate, TaCertificateCarriesTheDerivedKeysAndTheCpuModel) {
  const CaMaterial ca = create_ca("Example Chips", 100);
  const test::TestTa ta = test::make_test_ta(ca, "ex-cpu-7", 0x31);
  const TaCertificate c = TaCertificate::parse_der(ta.cert_der, "cert");
  EXPECT_EQ(c.cert_id, sha256(ta.cert_der));
  EXPECT_EQ(c.manufacturer, "Example Chips");
  EXPECT_EQ(c.cpu_model, "ex-cpu-7");
  EXPECT_EQ(c.pk_sig, ta.keys.pk_sig);
  EXPECT_EQ(c.pk_kem, ta.keys.pk_kem);
  EXPECT_EQ(c.common_name, "TAME TA " + to_hex(std::span(ta.keys.pk_sig).first(8)));
  EXPECT_NE(c.issuer.find("Example Chips TAME manufacturer CA"), std::string::npos);
  EXPECT_EQ(TaCertificate::parse_pem(cert_to_pem(cert_from_der(ta.cert_der, "c").get()), "c").der,
            ta.cert_der);
}

TEST(Certificate, ChainsOnlyToItsOwnCa) {
  const CaMaterial ca = create_ca("Example Chips", 100);
  const CaMaterial rogue = create_ca("Example Chips", 100);  // same name, another key
  const test::TestTa ta = test::make_test_ta(ca, "ex-cpu-7", 0x31);
  EXPECT_EQ(verify_chain(ta.cert_der, {test::ca_der(ca)}), std::nullopt);
  EXPECT_EQ(verify_chain(ta.cert_der, {test::ca_der(rogue), test::ca_der(ca)}), std::nullopt);
  EXPECT_NE(verify_chain(ta.cert_der, {test::ca_der(rogue)}), std::nullopt);
  EXPECT_NE(verify_chain(ta.cert_der, {}), std::nullopt);
  // A TA certificate is no CA: a certificate it "issued" does not chain.
  const Bytes ca_as_ta = test::ca_der(ca);
  EXPECT_EQ(verify_chain(ca_as_ta, {ca_as_ta}), std::nullopt);  // the root itself
}

TEST(Certificate, RefusesWhatIsNotATaCertificate) {
  const CaMaterial ca = create_ca("Example Chips", 100);
  EXPECT_THROW(TaCertificate::parse_der(Bytes{1, 2, 3}, "cert"), Error);
  const test::TestTa ta = test::make_test_ta(ca, "m", 0x31);
  Bytes longer = ta.cert_der;
  longer.push_back(0);
  try {
    TaCertificate::parse_der(longer, "cert");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "cert: 1 bytes follow the certificate's DER");
  }
  try {
    TaCertificate::parse_der(test::ca_der(ca), "cert");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no CPU model extension"), std::string::npos) << e.what();
  }
  for (const char* bad : {"", "has space", "\x01", "x2345678901234567890123456789012345678901234567890123456789012345"}) {
    EXPECT_THROW(issue_ta_certificate(ca, ta.keys, bad, 10), Error) << bad;
  }
  EXPECT_THROW(create_ca("", 10), Error);
  EXPECT_THROW(create_ca("x", 0), Error);
}

TEST(KeyPem, RoundTripsAndRefusesTheOtherAlgorithm) {
  const X25519Key x(bytes32(0x41));
  const std::string priv = private_key_to_pem("X25519", bytes32(0x41));
  EXPECT_TRUE(priv.starts_with("-----BEGIN PRIVATE KEY-----"));
  EXPECT_EQ(private_key_from_pem("X25519", priv, "k"), bytes32(0x41));
  const std::string pub = public_key_to_pem("X25519", x.public_key());
  EXPECT_TRUE(pub.starts_with("-----BEGIN PUBLIC KEY-----"));
  EXPECT_EQ(public_key_from_pem("X25519", pub, "k"), x.public_key());
  const std::string ed = public_key_to_pem("ED25519", Ed25519Key(bytes32(1)).public_key());
  try {
    public_key_from_pem("X25519", ed, "--ks-pub");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--ks-pub: is a ED25519 key, expected X25519");
  }
  EXPECT_THROW(public_key_from_pem("X25519", "junk", "k"), Error);
  EXPECT_THROW(private_key_from_pem("X25519", pub, "k"), Error);
}

TEST(Manufacture, DirectoriesHoldTheDocumentedFiles) {
  const fs::path dir = test::fresh_temp_dir("mfg");
  manufacture_ca(dir / "ca", "Example Chips", 100);
  EXPECT_THROW(manufacture_ca(dir / "ca", "Example Chips", 100), Error);  // no overwrite
  const TaCertificate c = manufacture_ta(dir / "ca", dir / "ta", "ex-1", bytes32(0x55), 100);
  EXPECT_THROW(manufacture_ta(dir / "ca", dir / "ta", "ex-1"), Error);
  const auto perms = [](const fs::path& p) { return fs::status(p).permissions() & fs::perms::all; };
  EXPECT_EQ(perms(dir / "ca" / kCaKeyFile), kSecretFilePerms);
  EXPECT_EQ(perms(dir / "ta" / kUdsFile), kSecretFilePerms);
  for (const char* f : {kUdsFile, kTaCertFile, kCaCertFile, kTaInfoFile}) {
    EXPECT_TRUE(fs::exists(dir / "ta" / f)) << f;
  }
  const TaFiles files = load_ta(dir / "ta");
  EXPECT_EQ(files.uds, bytes32(0x55));
  EXPECT_EQ(files.cert_der, c.der);
  EXPECT_EQ(c.pk_kem, derive_ta_keys(bytes32(0x55)).pk_kem);
  EXPECT_EQ(verify_chain(c.der, {cert_pem_to_der(read_text_file(dir / "ta" / kCaCertFile), "ca")}),
            std::nullopt);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tame
