// Hex text and big-endian helpers: keys arrive as hex on command lines, so a parse
// error must say which option was wrong and why.
#include <gtest/gtest.h>

#include "tame/bytes.hpp"

namespace tame {
namespace {

std::string parse_error(std::string_view text, std::string_view field) {
  try {
    parse_hex(text, field);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ParseHex, AcceptsBothCasesAndEmpty) {
  EXPECT_EQ(parse_hex("00ff7fA0Bc", "x"), (Bytes{0x00, 0xff, 0x7f, 0xa0, 0xbc}));
  EXPECT_EQ(parse_hex("DEADbeef", "x"), (Bytes{0xde, 0xad, 0xbe, 0xef}));
  EXPECT_TRUE(parse_hex("", "x").empty());
}

TEST(ParseHex, ErrorsNameTheFieldAndReason) {
  EXPECT_EQ(parse_error("01234z", "--key-hex"), "--key-hex: not a hex digit 'z' at position 5");
  EXPECT_EQ(parse_error(std::string(31, 'a'), "--iv-hex"),
            "--iv-hex: odd number of hex digits (31)");
  EXPECT_EQ(parse_error("0x12", "--nonce-hex"),
            "--nonce-hex: not a hex digit 'x' at position 1");
  EXPECT_EQ(parse_error("12 34", "--addr-hex"),
            "--addr-hex: not a hex digit ' ' at position 2");
  EXPECT_EQ(parse_error(std::string_view("ab\n", 3), "--in"),
            "--in: not a hex digit byte 0x0a at position 2");
  EXPECT_THROW(parse_hex("g0", "f"), Error);
}

// One parser for numbers too: an odd length is refused as it is for keys (issue 16:
// `--nonce-hex abc` was taken as 0x0abc).
TEST(ParseHexU64, SameRulesAsBytes) {
  EXPECT_EQ(parse_hex_u64("0abc", "--nonce-hex"), 0x0abcu);
  EXPECT_EQ(parse_hex_u64("FFFFFFFFFFFFFFFF", "n"), ~std::uint64_t{0});
  EXPECT_EQ(parse_hex_u64("00", "n"), 0u);
  const auto error = [](std::string_view text) {
    try {
      parse_hex_u64(text, "--nonce-hex");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(error("abc"), "--nonce-hex: odd number of hex digits (3)");
  EXPECT_EQ(error(""), "--nonce-hex: 0 bytes, expected 1 to 8");
  EXPECT_EQ(error("010203040506070809"), "--nonce-hex: 9 bytes, expected 1 to 8");
  EXPECT_EQ(error("0x10"), "--nonce-hex: not a hex digit 'x' at position 1");
  EXPECT_EQ(error("-1"), "--nonce-hex: not a hex digit '-' at position 0");
}

TEST(ToHex, LowercaseRoundTrip) {
  const Bytes data{0x00, 0x01, 0xab, 0xcd, 0xef, 0xff};
  EXPECT_EQ(to_hex(data), "0001abcdefff");
  EXPECT_EQ(parse_hex(to_hex(data), "x"), data);
  EXPECT_EQ(to_hex(Bytes{}), "");
}

TEST(BigEndian, StoreAndLoad64) {
  std::uint8_t buf[8];
  store_be64(0x0102030405060708ULL, buf);
  EXPECT_EQ(to_hex(buf), "0102030405060708");
  EXPECT_EQ(load_be64(buf), 0x0102030405060708ULL);
  store_be64(~0ULL, buf);
  EXPECT_EQ(load_be64(buf), ~0ULL);
  store_be64(0, buf);
  EXPECT_EQ(to_hex(buf), "0000000000000000");
}

TEST(ErrorType, FieldColonReason) {
  EXPECT_STREQ(Error("--cipher", "unknown name 'aes-192-ctr'").what(),
               "--cipher: unknown name 'aes-192-ctr'");
}

}  // namespace
}  // namespace tame
