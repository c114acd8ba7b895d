// The sealed image, format version 1 (spec section 2): the 4096-byte header with C1 (the
// image key K_img sealed to the key service with HPKE base mode), and the payload, which
// is the zero-padded plaintext under the disk crypt (disk_crypt.hpp), page by page.
// Sealing and unsealing stream: an image of any size never sits in memory.
#pragma once

#include <cstdint>
#include <functional>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "tame/atomic_file.hpp"
#include "tame/bytes.hpp"
#include "tame/disk_crypt.hpp"
#include "tame/fixed_bytes.hpp"
#include "tame/x25519.hpp"

namespace tame {

enum class Cipher : std::uint16_t { kAes128Ctr = 1, kAes256Ctr = 2 };

std::size_t cipher_key_size(Cipher cipher) noexcept;   // 16 or 32
std::string_view cipher_name(Cipher cipher) noexcept;  // "aes-128-ctr", "aes-256-ctr"
// "aes-128-ctr" or "aes-256-ctr"; anything else is refused naming `field`.
Cipher cipher_from_name(std::string_view name, std::string_view field);

inline constexpr std::string_view kImageMagic = "TAMEIMG1";
inline constexpr std::uint16_t kImageVersion = 1;
inline constexpr std::size_t kHeaderSize = 4096;
inline constexpr std::size_t kHeaderAadSize = 96;  // header[0:96], C1's AAD
inline constexpr std::size_t kCt1FieldSize = 48;
inline constexpr std::string_view kC1InfoLabel = "TAME-C1-v1";

using HeaderBytes = FixedBytes<kHeaderSize>;
using HeaderAad = FixedBytes<kHeaderAadSize>;
using Ct1Field = FixedBytes<kCt1FieldSize>;

// The header's fields; magic, version, page size and the reserved bytes are constants.
struct ImageHeader {
  Cipher cipher = Cipher::kAes256Ctr;
  std::uint64_t payload_length = 0;  // the plaintext's true length
  std::uint64_t ctr_nonce = 0;
  Bytes32 image_id{};
  Bytes32 ks_pub{};  // the key service's raw X25519 public key
  Bytes32 enc1{};    // C1: HPKE encapsulated key
  Ct1Field ct1{};    // C1: HPKE ciphertext (key length + 16 bytes), zero-padded

  std::uint64_t page_count() const noexcept;  // ceil(payload_length / 4096)
  std::size_t ct1_length() const noexcept;    // cipher_key_size + 16
  Bytes32 ks_key_id() const;                  // SHA-256(ks_pub)

  HeaderAad aad() const;  // header[0:96]
  HeaderBytes serialize() const;

  // Exactly 4096 bytes. Every refusal is a tame::Error naming the field ("image header
  // magic", "image header cipher", "image header reserved", ...) and the reason; the
  // bytes of ct1 past its length and the reserved bytes 176..4095 must be zero.
  static ImageHeader parse(std::span<const std::uint8_t> bytes);
  // Only header[0:96] (what a key-service request carries): the same checks on the
  // fields it holds; enc1 and ct1 are left zero.
  static ImageHeader parse_aad(std::span<const std::uint8_t> bytes);
};

// Throws tame::Error naming `field` unless the bytes of ct1 past the cipher's C1 length
// are zero.
void check_ct1_padding(Cipher cipher, const Ct1Field& ct1, std::string_view field);

// "TAME-C1-v1" || image_id.
Bytes c1_info(const Bytes32& image_id);
// Seals k_img (the cipher's key size) to header.ks_pub with HPKE base mode, info
// c1_info and aad header[0:96], and stores enc1 and ct1. skE fixes the ephemeral key
// (known-answer tests); otherwise it is fresh.
void seal_c1(ImageHeader& header, std::span<const std::uint8_t> k_img,
             const X25519Key* skE = nullptr);
// K_img, or tame::Error "C1: ..." if it does not open under ks_key (an all-zero X25519
// share is refused as "X25519 shared secret: ...").
Bytes open_c1(const ImageHeader& header, const X25519Key& ks_key);

// Streams a plaintext into a sealed image. The keys are wiped when the Sealer goes.
class Sealer {
 public:
  using Progress = std::function<void(std::uint64_t done, std::uint64_t total)>;

  // A fresh K_img, ctr_nonce and image_id from OpenSSL's random generator.
  Sealer(Cipher cipher, const Bytes32& ks_pub);
  // Chosen ones, for tests; k_img must fit the cipher.
  Sealer(Cipher cipher, const Bytes32& ks_pub, std::span<const std::uint8_t> k_img,
         std::uint64_t ctr_nonce, const Bytes32& image_id);
  ~Sealer();
  Sealer(const Sealer&) = delete;
  Sealer& operator=(const Sealer&) = delete;

  // Reads exactly `length` bytes from `in` and writes header and payload to `out`
  // (which the caller commits). Returns the header written. A short read throws naming
  // `in_field`. progress (if set) is called after each chunk of about 1 MiB.
  ImageHeader seal(std::istream& in, std::uint64_t length, AtomicFile& out,
                   std::string_view in_field = "plaintext", const Progress& progress = {});
  // A regular file in, the sealed image out (whole or not at all).
  ImageHeader seal_file(const std::filesystem::path& in, const std::filesystem::path& out,
                        const Progress& progress = {});

 private:
  ImageHeader header_;
  Bytes k_img_;
};

// Checks that a sealed file of file_size bytes holds exactly the header and the pages
// the header announces; tame::Error naming "payload" otherwise.
void check_image_size(const ImageHeader& header, std::uint64_t file_size);

// Reads the header's pages from `payload` (positioned just after the header), decrypts
// them with k_img, and hands each 4096-byte plaintext page to `page` in order (the last
// one still zero-padded). A short read throws naming "payload".
void for_each_page(std::istream& payload, const ImageHeader& header,
                   std::span<const std::uint8_t> k_img,
                   const std::function<void(std::uint64_t page_index,
                                            std::span<const std::uint8_t> plain)>& page);

// A sealed image opened for reading: the one place a file becomes a checked header and a
// stream of sealed pages (tame seal's checks, tame inspect, tame boot, the key service's
// allow-image, tame-sim boot). The file must be a regular file; the header must parse and
// the file must hold exactly the pages it announces. Every refusal is a tame::Error put
// under `field` (the option or name that gave the path): "--image: 'x' is a directory",
// "--image: image header magic: ...", "--image: payload: the file holds ...".
class ImageReader {
 public:
  ImageReader(const std::filesystem::path& path, std::string_view field);

  const ImageHeader& header() const noexcept { return header_; }
  std::uint64_t file_size() const noexcept { return file_size_; }
  std::uint64_t pages_read() const noexcept { return pages_read_; }

  // The next sealed page (kPageSize bytes) into `page`; a short read throws naming
  // "payload" under the field.
  void read_page(std::span<std::uint8_t> page);
  // Every page, decrypted with k_img (for_each_page: a short read throws naming "payload").
  void for_each_plain_page(std::span<const std::uint8_t> k_img,
                           const std::function<void(std::uint64_t page_index,
                                                    std::span<const std::uint8_t> plain)>& page);

 private:
  std::string field_;
  std::uint64_t file_size_ = 0;
  std::unique_ptr<std::istream> in_;
  ImageHeader header_;
  std::uint64_t pages_read_ = 0;
};

}  // namespace tame
