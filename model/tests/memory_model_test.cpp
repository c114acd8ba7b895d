// The memory path reference against spec sections 1 and 3: DRAM holds only ciphertext
// with a nonce per line, every line decrypts with OpenSSL from its nonce and address,
// nonces never repeat under a key, and one VM's key does not read another VM's lines.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "line_support.hpp"
#include "tame/memory_model.hpp"
#include "test_support.hpp"

namespace tame {
namespace {

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kLastDramLine = (std::uint64_t{1} << 42) - 1;

std::uint64_t be64_at(const std::vector<std::uint8_t>& buf, std::size_t off) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | buf[off + i];
  return v;
}

Line random_line(std::mt19937_64& rng) {
  Line l;
  for (auto& b : l) b = static_cast<std::uint8_t>(rng());
  return l;
}

Line line_of(const Bytes& bytes, std::size_t index) {
  Line l;
  std::copy_n(bytes.begin() + index * kLineSize, kLineSize, l.begin());
  return l;
}

DramLine random_dram_line(std::mt19937_64& rng) {
  DramLine line{.nonce = rng(), .ct = {}};
  for (auto& b : line.ct) b = static_cast<std::uint8_t>(rng());
  return line;
}

// A directory of its own under the system temp dir, removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(std::uint64_t tag) {
    path = std::filesystem::temp_directory_path() /
           fmt::format("tame-memory-model-{}-{:x}", ::getpid(), tag);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::vector<std::uint8_t> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Dram, WriteReadOverwriteAndRange) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  Dram dram;
  EXPECT_EQ(dram.size(), 0u);
  EXPECT_FALSE(dram.read(5).has_value());
  const DramLine a = random_dram_line(rng), b = random_dram_line(rng);
  dram.write(5, a);
  dram.write(kLastDramLine, b);
  EXPECT_EQ(dram.size(), 2u);
  EXPECT_EQ(dram.read(5), a);
  EXPECT_EQ(dram.read(kLastDramLine), b);
  dram.write(5, b);  // overwrite in place
  EXPECT_EQ(dram.size(), 2u);
  EXPECT_EQ(dram.read(5), b);
  EXPECT_FALSE(dram.read(6).has_value());

  const std::string msg = test::error_message([&] { dram.write(kLastDramLine + 1, a); });
  EXPECT_NE(msg.find("line address"), std::string::npos) << msg;
  EXPECT_THROW(dram.read(kLastDramLine + 1), Error);
  EXPECT_THROW(dram.write(kMax64, a), Error);
  EXPECT_EQ(dram.size(), 2u);
}

TEST(Dram, DumpIsSortedBigEndianEightyByteRecords) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  TempDir dir(seed);
  Dram dram;
  std::map<std::uint64_t, DramLine> want;
  // Random addresses in random order, the top one included.
  for (int i = 0; i < 300; ++i) {
    const std::uint64_t addr = i == 0 ? kLastDramLine : (i % 4 == 0 ? rng() % 64 : rng() % (kLastDramLine + 1));
    const DramLine line = random_dram_line(rng);
    dram.write(addr, line);
    want.insert_or_assign(addr, line);
  }
  ASSERT_EQ(dram.size(), want.size());
  const auto path = dir.path / "dram.bin";
  dram.dump(path);
  const std::vector<std::uint8_t> buf = read_file(path);
  ASSERT_EQ(buf.size(), 80 * want.size());
  std::size_t off = 0;
  for (const auto& [addr, line] : want) {  // std::map: ascending addresses
    const std::uint64_t byte_addr = be64_at(buf, off);
    ASSERT_EQ(byte_addr, addr * 64) << "record " << off / 80;
    ASSERT_EQ(be64_at(buf, off + 8), line.nonce) << "record " << off / 80;
    ASSERT_TRUE(std::equal(line.ct.begin(), line.ct.end(), buf.begin() + off + 16));
    off += 80;
  }
  EXPECT_EQ(be64_at(buf, buf.size() - 80), kLastDramLine * 64);  // A = 2^48 - 64
  // Spot check the byte order against a literal record.
  Dram one;
  DramLine l{.nonce = 0x0102030405060708ULL, .ct = {}};
  l.ct[0] = 0xaa;
  l.ct[63] = 0xbb;
  one.write(0x123456789ac0ULL >> 6, l);
  one.dump(path);
  const auto rec = read_file(path);
  ASSERT_EQ(rec.size(), 80u);
  EXPECT_EQ(to_hex(std::span(rec).first(17)), "0000123456789ac00102030405060708aa");
  EXPECT_EQ(rec[79], 0xbb);

  Dram empty;
  empty.dump(path);
  EXPECT_EQ(std::filesystem::file_size(path), 0u);
  // A path that cannot be created fails, and leaves nothing behind.
  EXPECT_THROW(dram.dump(dir.path / "missing" / "dram.bin"), Error);
}

// What the test itself knows about each line it had the system write.
struct Written {
  unsigned slot;
  Line plain;
};

TEST(MemorySystem, BootedPagesDecryptWithOpensslAndStayApart) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 4; ++trial) {
    const std::size_t key_len = trial % 2 ? 16 : 32;
    SCOPED_TRACE(fmt::format("trial {} key length {}", trial, key_len));
    constexpr unsigned kA = 0, kB = 2;  // slot 1 stays empty
    const Bytes key_a = test::random_bytes(rng, key_len), key_b = test::random_bytes(rng, key_len);
    ASSERT_NE(key_a, key_b);
    const std::map<unsigned, Bytes> keys{{kA, key_a}, {kB, key_b}};
    MemorySystem mem(3);
    mem.load_key(kA, key_a);
    mem.load_key(kB, key_b);

    // A few distinct random pages, one VM each, booted in random order. One page sits at
    // the top of the 48-bit space.
    std::map<std::uint64_t, Written> written;  // by line address
    std::set<std::uint64_t> pages;
    pages.insert((std::uint64_t{1} << 48) - kPageSize);
    while (pages.size() < 10) pages.insert((rng() % (std::uint64_t{1} << 36)) * kPageSize);
    std::vector<std::uint64_t> order(pages.begin(), pages.end());
    std::shuffle(order.begin(), order.end(), rng);
    std::map<unsigned, std::uint64_t> booted;  // pages per slot
    for (std::uint64_t page : order) {
      const unsigned slot = rng() % 2 ? kA : kB;
      const Bytes plain = test::random_bytes(rng, kPageSize);
      const std::uint64_t first_nonce = mem.nonces().peek(slot);
      mem.boot_page(slot, page, plain);
      ++booted[slot];
      for (std::uint64_t i = 0; i < kLinesPerPage; ++i) {
        written[page / kLineSize + i] = Written{.slot = slot, .plain = line_of(plain, i)};
        // Lines in address order take consecutive nonces from the slot's counter.
        ASSERT_EQ(mem.dram().read(page / kLineSize + i)->nonce, first_nonce + i);
      }
    }
    ASSERT_EQ(mem.dram().size(), written.size());
    ASSERT_EQ(mem.dram().size(), pages.size() * kLinesPerPage);

    std::map<unsigned, std::set<std::uint64_t>> nonces;
    for (const auto& [line_addr, line] : mem.dram().lines()) {
      const Written& w = written.at(line_addr);
      const unsigned other = w.slot == kA ? kB : kA;
      SCOPED_TRACE(fmt::format("line {:x} slot {} nonce {:x}", line_addr, w.slot, line.nonce));
      // DRAM holds ciphertext, which OpenSSL decrypts from the nonce and address alone.
      ASSERT_NE(line.ct, w.plain);
      ASSERT_EQ(test::openssl_line_ctr(keys.at(w.slot), line.nonce, line_addr, line.ct), w.plain);
      ASSERT_TRUE(nonces[w.slot].insert(line.nonce).second) << "nonce repeated";
      // What the VM's core sees, and what the other VM's key gives.
      ASSERT_EQ(mem.read_line(w.slot, line_addr), w.plain);
      ASSERT_NE(mem.read_line(other, line_addr), w.plain);
      ASSERT_EQ(mem.expected_line(w.slot, line_addr), w.plain);
      ASSERT_FALSE(mem.expected_line(other, line_addr).has_value());
    }
    // Each slot used exactly the nonces 1..64 * (its pages).
    for (unsigned slot : {kA, kB}) {
      const std::uint64_t n = booted[slot] * kLinesPerPage;
      ASSERT_EQ(nonces[slot].size(), n);
      if (n > 0) {
        EXPECT_EQ(*nonces[slot].begin(), 1u);
        EXPECT_EQ(*nonces[slot].rbegin(), n);
      }
      EXPECT_EQ(mem.nonces().peek(slot), n + 1);
    }
    EXPECT_THROW(mem.read_line(1, written.begin()->first), Error);  // slot 1 has no key
  }
}

TEST(MemorySystem, WriteBackTakesAFreshNonce) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  const Bytes key = test::random_bytes(rng, 32);
  MemorySystem mem(2);
  mem.load_key(0, key);
  mem.load_key(1, test::random_bytes(rng, 32));
  const std::uint64_t page = (rng() % (std::uint64_t{1} << 36)) * kPageSize;
  const Bytes plain = test::random_bytes(rng, kPageSize);
  mem.boot_page(0, page, plain);

  std::set<std::uint64_t> used;
  for (const auto& [addr, line] : mem.dram().lines()) used.insert(line.nonce);
  for (int i = 0; i < 50; ++i) {
    const std::uint64_t line_addr = page / kLineSize + rng() % kLinesPerPage;
    const DramLine before = *mem.dram().read(line_addr);
    // Half the time the same plaintext again: the ciphertext must still change.
    const Line old_plain = mem.read_line(0, line_addr);
    Line next = old_plain;
    if (i % 2) next = random_line(rng);
    const std::uint64_t fresh = mem.nonces().peek(0);
    mem.write_back(0, line_addr, next);
    const DramLine after = *mem.dram().read(line_addr);
    SCOPED_TRACE(fmt::format("write {} line {:x}", i, line_addr));
    ASSERT_EQ(after.nonce, fresh);
    ASSERT_NE(after.nonce, before.nonce);
    ASSERT_TRUE(used.insert(after.nonce).second) << "nonce repeated";
    ASSERT_NE(after.ct, before.ct);
    ASSERT_NE(after.ct, next);
    ASSERT_EQ(test::openssl_line_ctr(key, after.nonce, line_addr, after.ct), next);
    ASSERT_EQ(mem.read_line(0, line_addr), next);
    ASSERT_EQ(mem.expected_line(0, line_addr), next);
  }
  EXPECT_EQ(mem.dram().size(), kLinesPerPage);

  // A write-back to a line no page covered creates it.
  const std::uint64_t lone = kLastDramLine;
  const Line p = random_line(rng);
  mem.write_back(1, lone, p);
  EXPECT_EQ(mem.read_line(1, lone), p);
  EXPECT_EQ(mem.dram().read(lone)->nonce, 1u);  // slot 1's first nonce
}

TEST(MemorySystem, TamperedDramReadsAsGarbage) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  MemorySystem mem(1);
  mem.load_key(0, test::random_bytes(rng, 32));
  const Bytes plain = test::random_bytes(rng, 2 * kPageSize);
  mem.boot_page(0, 0, std::span(plain).first(kPageSize));
  mem.boot_page(0, kPageSize, std::span(plain).last(kPageSize));
  for (int i = 0; i < 20; ++i) {
    const std::uint64_t from = rng() % 128, to = (from + 1 + rng() % 127) % 128;
    const Line p_from = *mem.expected_line(0, from);
    const DramLine to_before = *mem.dram().read(to);
    // The hypervisor moves a line (ciphertext with its nonce) to another address.
    mem.dram().write(to, *mem.dram().read(from));
    EXPECT_NE(mem.read_line(0, to), p_from) << from << " -> " << to;
    // Or gives a line another line's nonce.
    DramLine swapped = to_before;
    swapped.nonce = mem.dram().read(from)->nonce;
    mem.dram().write(to, swapped);
    EXPECT_NE(mem.read_line(0, to), *mem.expected_line(0, to));
    mem.dram().write(to, to_before);
    EXPECT_EQ(mem.read_line(0, to), *mem.expected_line(0, to));
  }
}

TEST(MemorySystem, NewKeyRestartsNoncesAndForgetsOldLines) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  MemorySystem mem(2);
  mem.load_key(0, test::random_bytes(rng, 32));
  mem.load_key(1, test::random_bytes(rng, 32));
  const Bytes page_a = test::random_bytes(rng, kPageSize), page_b = test::random_bytes(rng, kPageSize);
  mem.boot_page(0, 0x1000, page_a);
  mem.boot_page(1, 0x2000, page_b);
  mem.load_key(0, test::random_bytes(rng, 32));
  EXPECT_EQ(mem.nonces().peek(0), 1u);
  EXPECT_FALSE(mem.expected_line(0, 0x1000 / kLineSize).has_value());
  EXPECT_NE(mem.read_line(0, 0x1000 / kLineSize), line_of(page_a, 0));  // old line, new key
  EXPECT_TRUE(mem.expected_line(1, 0x2000 / kLineSize).has_value());  // slot 1 untouched
  EXPECT_EQ(mem.nonces().peek(1), kLinesPerPage + 1);
  mem.boot_page(0, 0x1000, page_a);
  EXPECT_EQ(mem.dram().read(0x1000 / kLineSize)->nonce, 1u);
  EXPECT_EQ(mem.read_line(0, 0x1000 / kLineSize), line_of(page_a, 0));
  EXPECT_THROW(mem.load_key(0, Bytes(24)), Error);
  EXPECT_EQ(mem.nonces().peek(0), kLinesPerPage + 1);  // a bad key changed nothing
}

TEST(MemorySystem, ExhaustedCounterRefusesWholePages) {
  // The reserve leaves 100 nonces: one page (64), then 36 single lines.
  MemorySystem mem(1, kMax64 - 100);
  mem.load_key(0, Bytes(32, 0x11));
  const Bytes page(kPageSize, 0x22);
  mem.boot_page(0, 0, page);
  const std::string msg = test::error_message([&] { mem.boot_page(0, kPageSize, page); });
  EXPECT_NE(msg.find("nonce counter for slot 0"), std::string::npos) << msg;
  EXPECT_EQ(mem.dram().size(), kLinesPerPage);  // nothing of the refused page
  EXPECT_EQ(mem.nonces().remaining(0), 36u);
  const Bytes line(kLineSize, 0x33);
  for (int i = 0; i < 36; ++i) mem.write_back(0, kLinesPerPage + i, line);
  EXPECT_EQ(test::error_message([&] { mem.write_back(0, 0, line); }),
            "nonce counter for slot 0 is exhausted: load a new key");
  EXPECT_EQ(mem.dram().read(0)->nonce, 1u);  // the refused write left the line alone
  mem.load_key(0, Bytes(32, 0x44));
  EXPECT_NO_THROW(mem.boot_page(0, kPageSize, page));
}

TEST(MemorySystem, RejectsBadRequests) {
  MemorySystem mem(2);
  mem.load_key(0, Bytes(16, 1));
  const Bytes page(kPageSize), line(kLineSize);
  EXPECT_NE(test::error_message([&] { mem.boot_page(0, 0x1040, page); }).find("page address"),
            std::string::npos);
  EXPECT_THROW(mem.boot_page(0, 0x1000, Bytes(kPageSize - 1)), Error);
  EXPECT_THROW(mem.boot_page(0, std::uint64_t{1} << 48, page), Error);
  EXPECT_THROW(mem.boot_page(1, 0, page), Error);  // no key in slot 1
  EXPECT_THROW(mem.boot_page(2, 0, page), Error);  // no slot 2
  EXPECT_THROW(mem.load_key(2, Bytes(16)), Error);
  EXPECT_THROW(mem.write_back(0, kLastDramLine + 1, line), Error);
  EXPECT_THROW(mem.write_back(0, 0, Bytes(63)), Error);
  EXPECT_NE(test::error_message([&] { mem.read_line(0, 7); }).find("line address"),
            std::string::npos);  // never written
  EXPECT_THROW(mem.read_line(0, kLastDramLine + 1), Error);
  EXPECT_THROW(mem.expected_line(2, 0), Error);
  EXPECT_EQ(mem.dram().size(), 0u);
  EXPECT_EQ(mem.nonces().peek(0), 1u);  // no refused request used a nonce
}

}  // namespace
}  // namespace tame
