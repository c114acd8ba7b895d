// The SQLite policy store: allow, revoke, list, persistence, and what it refuses.
#include <filesystem>

#include <gtest/gtest.h>

#include "protocol_support.hpp"
#include "tame/files.hpp"

namespace tame {
namespace {

namespace fs = std::filesystem;
using test::bytes32;

TEST(PolicyStore, AllowsListsRevokesAndPersists) {
  const fs::path dir = test::fresh_temp_dir("policy");
  const fs::path db = dir / "policy.db";
  EXPECT_THROW(SqlitePolicyStore{db}, Error);  // not created yet
  SqlitePolicyStore::create(db);
  EXPECT_THROW(SqlitePolicyStore::create(db), Error);

  const CaMaterial ca = create_ca("Store Test", 10);
  const test::TestTa ta = test::make_test_ta(ca, "m1", 0x61);
  std::string fp;
  {
    SqlitePolicyStore s(db);
    EXPECT_TRUE(s.allowed_ca_certs().empty());
    fp = s.allow_ca(ca.cert_pem);
    EXPECT_EQ(fp, to_hex(sha256(test::ca_der(ca))));
    EXPECT_EQ(s.allow_ca(ca.cert_pem), fp);  // again: no error, one row
    EXPECT_THROW(s.allow_ca(cert_to_pem(cert_from_der(ta.cert_der, "t").get())), Error);  // not a CA
    EXPECT_THROW(s.allow_ca("junk"), Error);
    s.allow_cpu_model("m1");
    EXPECT_THROW(s.allow_cpu_model("bad model"), Error);
    s.allow_image(bytes32(1), "first");
    s.allow_image(bytes32(2));
  }
  SqlitePolicyStore s(db);
  ASSERT_EQ(s.list_cas().size(), 1u);
  EXPECT_EQ(s.list_cas()[0].fingerprint, fp);
  EXPECT_NE(s.list_cas()[0].subject.find("Store Test"), std::string::npos);
  EXPECT_EQ(s.allowed_ca_certs(), std::vector<Bytes>{test::ca_der(ca)});
  EXPECT_TRUE(s.cpu_model_allowed("m1"));
  EXPECT_FALSE(s.cpu_model_allowed("m2"));
  EXPECT_TRUE(s.image_allowed(bytes32(1)));
  EXPECT_FALSE(s.image_allowed(bytes32(3)));
  ASSERT_EQ(s.list_images().size(), 2u);
  EXPECT_EQ(s.list_cpu_models().size(), 1u);

  EXPECT_TRUE(s.revoke_image(bytes32(1)));
  EXPECT_FALSE(s.revoke_image(bytes32(1)));
  EXPECT_FALSE(s.image_allowed(bytes32(1)));
  EXPECT_TRUE(s.revoke_cpu_model("m1"));
  EXPECT_FALSE(s.revoke_cpu_model("m1"));
  EXPECT_TRUE(s.revoke_ca(fp));
  EXPECT_FALSE(s.revoke_ca(fp));
  EXPECT_THROW(s.revoke_ca("abc"), Error);
  EXPECT_TRUE(s.allowed_ca_certs().empty());

  write_file(dir / "not-a-store", Bytes(100, 7));
  EXPECT_THROW(SqlitePolicyStore{dir / "not-a-store"}, Error);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tame
