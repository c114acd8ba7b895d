// Spec section 2 to the byte. The payload is processed in runs of 256 pages so that
// sealing goes at EVP's AES-CTR speed; a run is one counter stream (disk_crypt.hpp).
#include "tame/image.hpp"

#include <algorithm>
#include <fstream>
#include <istream>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "tame/files.hpp"
#include "tame/hpke.hpp"
#include "tame/kdf.hpp"

namespace tame {
namespace {

// Field offsets of spec section 2.
constexpr std::size_t kOffVersion = 8, kOffCipher = 10, kOffPageSize = 12, kOffLength = 16,
                      kOffNonce = 24, kOffImageId = 32, kOffKsPub = 64, kOffEnc1 = 96,
                      kOffCt1 = 128, kOffReserved = 176;
constexpr std::size_t kRunPages = 256;  // 1 MiB per read and per EVP call

std::uint16_t load_be16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}
std::uint32_t load_be32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
void store_be16(std::uint16_t v, std::uint8_t* p) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void store_be32(std::uint32_t v, std::uint8_t* p) noexcept {
  for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<std::uint8_t>(v);
}

template <std::size_t N>
FixedBytes<N> field_at(std::span<const std::uint8_t> bytes, std::size_t off) {
  FixedBytes<N> out;
  std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(off), N, out.begin());
  return out;
}

// Magic, version, cipher, page size and the fields up to ks_pub: what header[0:96] holds.
ImageHeader parse_prefix(std::span<const std::uint8_t> b) {
  const std::string_view magic(reinterpret_cast<const char*>(b.data()), kImageMagic.size());
  if (magic != kImageMagic) {
    throw Error("image header magic",
                fmt::format("is {}, expected \"{}\"", to_hex(b.first(8)), kImageMagic));
  }
  if (const auto v = load_be16(b.data() + kOffVersion); v != kImageVersion) {
    throw Error("image header version", fmt::format("is {}, expected {}", v, kImageVersion));
  }
  ImageHeader h;
  switch (const auto c = load_be16(b.data() + kOffCipher)) {
    case 1: h.cipher = Cipher::kAes128Ctr; break;
    case 2: h.cipher = Cipher::kAes256Ctr; break;
    default:
      throw Error("image header cipher",
                  fmt::format("is {}, expected 1 (AES-128-CTR) or 2 (AES-256-CTR)", c));
  }
  if (const auto ps = load_be32(b.data() + kOffPageSize); ps != kPageSize) {
    throw Error("image header page size", fmt::format("is {}, expected {}", ps, kPageSize));
  }
  h.payload_length = load_be64(b.data() + kOffLength);
  h.ctr_nonce = load_be64(b.data() + kOffNonce);
  h.image_id = field_at<32>(b, kOffImageId);
  h.ks_pub = field_at<32>(b, kOffKsPub);
  return h;
}

void random_fill(std::span<std::uint8_t> out, bool secret) {
  const int ok = secret ? RAND_priv_bytes(out.data(), static_cast<int>(out.size()))
                        : RAND_bytes(out.data(), static_cast<int>(out.size()));
  if (ok != 1) throw_openssl("random generator");
}

// Reads n bytes or throws naming `field`.
void read_exact(std::istream& in, std::span<std::uint8_t> out, std::string_view field) {
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
  if (static_cast<std::size_t>(in.gcount()) != out.size()) {
    throw Error(field, "ended early (the file is shorter than it was, or than the header says)");
  }
}

}  // namespace

std::size_t cipher_key_size(Cipher cipher) noexcept {
  return cipher == Cipher::kAes128Ctr ? 16 : 32;
}

std::string_view cipher_name(Cipher cipher) noexcept {
  return cipher == Cipher::kAes128Ctr ? "aes-128-ctr" : "aes-256-ctr";
}

Cipher cipher_from_name(std::string_view name, std::string_view field) {
  if (name == "aes-128-ctr") return Cipher::kAes128Ctr;
  if (name == "aes-256-ctr") return Cipher::kAes256Ctr;
  throw Error(field, fmt::format("'{}' is not aes-128-ctr or aes-256-ctr", name));
}

std::uint64_t ImageHeader::page_count() const noexcept {
  return payload_length / kPageSize + (payload_length % kPageSize != 0 ? 1 : 0);
}

std::size_t ImageHeader::ct1_length() const noexcept {
  return cipher_key_size(cipher) + hpke::kNt;
}

Bytes32 ImageHeader::ks_key_id() const { return sha256(ks_pub); }

HeaderAad ImageHeader::aad() const {
  HeaderAad a{};
  std::copy(kImageMagic.begin(), kImageMagic.end(), a.begin());
  store_be16(kImageVersion, a.data() + kOffVersion);
  store_be16(static_cast<std::uint16_t>(cipher), a.data() + kOffCipher);
  store_be32(kPageSize, a.data() + kOffPageSize);
  store_be64(payload_length, a.data() + kOffLength);
  store_be64(ctr_nonce, a.data() + kOffNonce);
  std::copy(image_id.begin(), image_id.end(), a.begin() + kOffImageId);
  std::copy(ks_pub.begin(), ks_pub.end(), a.begin() + kOffKsPub);
  return a;
}

HeaderBytes ImageHeader::serialize() const {
  HeaderBytes h{};
  const HeaderAad a = aad();
  std::copy(a.begin(), a.end(), h.begin());
  std::copy(enc1.begin(), enc1.end(), h.begin() + kOffEnc1);
  std::copy(ct1.begin(), ct1.end(), h.begin() + kOffCt1);
  return h;
}

ImageHeader ImageHeader::parse(std::span<const std::uint8_t> bytes) {
  check_size(bytes, kHeaderSize, "image header");
  ImageHeader h = parse_prefix(bytes);
  h.enc1 = field_at<32>(bytes, kOffEnc1);
  h.ct1 = field_at<kCt1FieldSize>(bytes, kOffCt1);
  check_ct1_padding(h.cipher, h.ct1, "image header ct1");
  const auto reserved = bytes.subspan(kOffReserved);
  const auto it = std::find_if(reserved.begin(), reserved.end(), [](auto b) { return b != 0; });
  if (it != reserved.end()) {
    throw Error("image header reserved",
                fmt::format("byte at offset {} is 0x{:02x}; bytes 176..4095 must be zero",
                            kOffReserved + static_cast<std::size_t>(it - reserved.begin()), *it));
  }
  return h;
}

ImageHeader ImageHeader::parse_aad(std::span<const std::uint8_t> bytes) {
  check_size(bytes, kHeaderAadSize, "image header[0:96]");
  return parse_prefix(bytes);
}

void check_ct1_padding(Cipher cipher, const Ct1Field& ct1, std::string_view field) {
  const std::size_t used = cipher_key_size(cipher) + hpke::kNt;
  for (std::size_t i = used; i < ct1.size(); ++i) {
    if (ct1[i] != 0) {
      throw Error(field, fmt::format("padding byte {} is 0x{:02x}; with {} ct1 is {} bytes and "
                                     "the rest of the 48 must be zero",
                                     i, ct1[i], cipher_name(cipher), used));
    }
  }
}

Bytes c1_info(const Bytes32& image_id) { return concat(text_bytes(kC1InfoLabel), image_id); }

void seal_c1(ImageHeader& header, std::span<const std::uint8_t> k_img, const X25519Key* skE) {
  check_size(k_img, cipher_key_size(header.cipher), "K_img");
  const Bytes info = c1_info(header.image_id);
  const HeaderAad aad = header.aad();
  const hpke::Sealed c1 = skE ? hpke::seal_base(header.ks_pub, info, aad, k_img, *skE)
                              : hpke::seal_base(header.ks_pub, info, aad, k_img);
  header.enc1 = c1.enc;
  header.ct1 = {};
  std::copy(c1.ct.begin(), c1.ct.end(), header.ct1.begin());
}

Bytes open_c1(const ImageHeader& header, const X25519Key& ks_key) {
  check_ct1_padding(header.cipher, header.ct1, "C1");
  const auto ct = std::span(header.ct1).first(header.ct1_length());
  try {
    return hpke::open_base(header.enc1, ks_key, c1_info(header.image_id), header.aad(), ct);
  } catch (const Error& e) {
    // The DH refusal keeps its own name; anything else is "does not open".
    if (std::string_view(e.what()).starts_with(kX25519SharedSecretField)) throw;
    throw Error("C1", "does not open under the key service's key (HPKE base mode)");
  }
}

Sealer::Sealer(Cipher cipher, const Bytes32& ks_pub) : k_img_(cipher_key_size(cipher)) {
  header_.cipher = cipher;
  header_.ks_pub = ks_pub;
  random_fill(k_img_, true);
  FixedBytes<8> nonce;
  random_fill(nonce, false);
  header_.ctr_nonce = load_be64(nonce.data());
  random_fill(header_.image_id, false);
}

Sealer::Sealer(Cipher cipher, const Bytes32& ks_pub, std::span<const std::uint8_t> k_img,
               std::uint64_t ctr_nonce, const Bytes32& image_id)
    : k_img_(k_img.begin(), k_img.end()) {
  check_size(k_img, cipher_key_size(cipher), "K_img");
  header_.cipher = cipher;
  header_.ks_pub = ks_pub;
  header_.ctr_nonce = ctr_nonce;
  header_.image_id = image_id;
}

Sealer::~Sealer() { OPENSSL_cleanse(k_img_.data(), k_img_.size()); }

ImageHeader Sealer::seal(std::istream& in, std::uint64_t length, AtomicFile& out,
                         std::string_view in_field, const Progress& progress) {
  ImageHeader h = header_;
  h.payload_length = length;
  seal_c1(h, k_img_);
  out.write(h.serialize());

  const DiskCrypt crypt(k_img_, h.ctr_nonce);
  Bytes run(kRunPages * kPageSize);
  const std::uint64_t pages = h.page_count();
  std::uint64_t done = 0;
  for (std::uint64_t page = 0; page < pages; page += kRunPages) {
    const std::uint64_t n = std::min<std::uint64_t>(kRunPages, pages - page);
    const std::uint64_t want = std::min<std::uint64_t>(n * kPageSize, length - done);
    const auto buf = std::span(run).first(n * kPageSize);
    read_exact(in, buf.first(want), in_field);
    std::fill(buf.begin() + static_cast<std::ptrdiff_t>(want), buf.end(), 0);  // last page
    crypt.crypt_blocks(page * kBlocksPerPage, buf, buf);
    out.write(buf);
    done += want;
    if (progress) progress(done, length);
  }
  if (pages == 0 && progress) progress(0, 0);
  return h;
}

ImageHeader Sealer::seal_file(const std::filesystem::path& in_path,
                              const std::filesystem::path& out_path, const Progress& progress) {
  const std::string field = in_path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(in_path, ec)) {
    throw Error(field, "is not a regular file");
  }
  const std::uint64_t length = std::filesystem::file_size(in_path, ec);
  if (ec) throw Error(field, "cannot read its size: " + ec.message());
  std::ifstream in(in_path, std::ios::binary);
  if (!in) throw Error(field, "cannot open");
  AtomicFile out(out_path);
  const ImageHeader h = seal(in, length, out, field, progress);
  if (in.peek() != std::char_traits<char>::eof()) {
    throw Error(field, "grew while it was being sealed");
  }
  out.commit();
  return h;
}

void check_image_size(const ImageHeader& header, std::uint64_t file_size) {
  const std::uint64_t pages = header.page_count();
  const std::uint64_t have = file_size < kHeaderSize ? 0 : file_size - kHeaderSize;
  if (have % kPageSize != 0 || have / kPageSize != pages) {
    throw Error("payload", fmt::format("the file holds {} bytes after the header; the header's "
                                       "payload length {} needs {} pages ({} bytes)",
                                       have, header.payload_length, pages, pages * kPageSize));
  }
}

void for_each_page(std::istream& payload, const ImageHeader& header,
                   std::span<const std::uint8_t> k_img,
                   const std::function<void(std::uint64_t, std::span<const std::uint8_t>)>& page) {
  const DiskCrypt crypt(k_img, header.ctr_nonce);
  Bytes run(kRunPages * kPageSize);
  const std::uint64_t pages = header.page_count();
  for (std::uint64_t first = 0; first < pages; first += kRunPages) {
    const std::uint64_t n = std::min<std::uint64_t>(kRunPages, pages - first);
    const auto buf = std::span(run).first(n * kPageSize);
    read_exact(payload, buf, "payload");
    crypt.crypt_blocks(first * kBlocksPerPage, buf, buf);
    for (std::uint64_t i = 0; i < n; ++i) page(first + i, buf.subspan(i * kPageSize, kPageSize));
  }
  OPENSSL_cleanse(run.data(), run.size());
}

namespace {
// The error again, put under `field` unless it already names it.
[[noreturn]] void rethrow_under(std::string_view field, const Error& e) {
  if (std::string_view(e.what()).starts_with(field)) throw;  // the exception being handled
  throw Error(field, e.what());
}
}  // namespace

ImageReader::ImageReader(const std::filesystem::path& path, std::string_view field)
    : field_(field), file_size_(regular_file_size(path, field)) {
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) throw Error(field, fmt::format("'{}' cannot be opened", path.string()));
  in_ = std::move(in);
  Bytes raw(kHeaderSize);
  in_->read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size()));
  raw.resize(static_cast<std::size_t>(in_->gcount()));
  try {
    header_ = ImageHeader::parse(raw);
    check_image_size(header_, file_size_);
  } catch (const Error& e) {
    rethrow_under(field, e);
  }
}

void ImageReader::read_page(std::span<std::uint8_t> page) {
  if (page.size() != kPageSize) throw std::invalid_argument(fmt::format("a page is {} bytes", kPageSize));
  if (pages_read_ == header_.page_count()) throw Error(field_, "payload: every page has been read");
  try {
    read_exact(*in_, page, "payload");
  } catch (const Error& e) {
    rethrow_under(field_, e);
  }
  ++pages_read_;
}

void ImageReader::for_each_plain_page(
    std::span<const std::uint8_t> k_img,
    const std::function<void(std::uint64_t, std::span<const std::uint8_t>)>& page) {
  if (pages_read_ != 0) throw std::logic_error("ImageReader: pages were read one by one already");
  for_each_page(*in_, header_, k_img, page);  // errors of `page` are its own: not put under the field
  pages_read_ = header_.page_count();
}

}  // namespace tame
