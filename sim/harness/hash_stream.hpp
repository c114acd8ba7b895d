// The message port of the hash blocks in rtl/hash/ (tame_sha2, and tame_hmac_sha256, which
// takes its message the same way): msg_valid_i, msg_ready_o, msg_data_i, msg_last_i,
// msg_bytes_i. Messages go in as beats of big-endian words, with random idle clocks between
// beats if asked; the SHA-2 and HMAC tests drive their models' message ports with this.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <random>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace tame::sim {

struct StreamOptions {
  unsigned max_gap = 0;          // idle clocks before a beat: 0..max_gap, at random
  bool zero_beat_end = false;    // a whole-word message ends with an extra 0-byte last beat
};

// Beats queued for one model's message port. Per clock the owner calls drive() before
// settling the model, moves() after, and advance() after the clock edge.
template <class Dut>
class HashStream {
 public:
  using Word = std::remove_reference_t<decltype(std::declval<Dut&>().msg_data_i)>;

  struct Beat {
    std::uint64_t data;
    bool last;
    unsigned bytes;     // of the last beat; what a beat without last carries does not matter
    bool first;         // the message's first beat
    unsigned gap;       // idle clocks still to pass before it is offered
  };

  // word_bytes: 4 (SHA-256, HMAC-SHA256) or 8 (SHA-512). rng fills the idle inputs and the
  // bytes after the message in its last word, and draws the gaps.
  HashStream(std::size_t word_bytes, std::mt19937_64& rng) : wb_(word_bytes), rng_(rng) {
    if (word_bytes != 4 && word_bytes != 8) throw std::logic_error("HashStream: words of 4 or 8 bytes");
  }

  // Queues a message: whole words, then a last beat of 0..W/8 bytes. The bytes after the
  // message in the last word are random: the model must ignore them.
  void add(std::span<const std::uint8_t> msg, const StreamOptions& o = {}) {
    const std::size_t full = msg.size() / wb_, rem = msg.size() % wb_;
    const std::size_t at = beats_.size();
    auto word = [&](std::size_t from, std::size_t n) {
      std::uint64_t w = 0;
      for (std::size_t i = 0; i < wb_; ++i) w = (w << 8) | (i < n ? msg[from + i] : static_cast<std::uint8_t>(rng_()));
      return w;
    };
    for (std::size_t i = 0; i < full; ++i) beats_.push_back({word(i * wb_, wb_), false, 0, false, draw_gap(o)});
    if (rem != 0 || msg.empty() || o.zero_beat_end) {
      beats_.push_back({word(full * wb_, rem), true, static_cast<unsigned>(rem), false, draw_gap(o)});
    } else {
      beats_.back().last = true;
      beats_.back().bytes = static_cast<unsigned>(wb_);
    }
    beats_[at].first = true;
  }

  bool empty() const { return beats_.empty(); }
  const Beat& front() const { return beats_.front(); }
  std::size_t taken() const { return taken_; }   // beats moved so far
  void clear() { beats_.clear(); }                // forgets the beats not sent

  // Before the model settles: the front beat, once its gap has passed and if the owner
  // allows it now; otherwise valid low and the rest random (nothing but valid may matter).
  void drive(Dut& d, bool allowed = true) {
    if (allowed && !beats_.empty() && beats_.front().gap == 0) {
      const Beat& b = beats_.front();
      d.msg_valid_i = 1;
      d.msg_data_i = static_cast<Word>(b.data);
      d.msg_last_i = b.last;
      d.msg_bytes_i = b.bytes;
    } else {
      idle(d);
    }
  }
  void idle(Dut& d) {
    d.msg_valid_i = 0;
    d.msg_data_i = static_cast<Word>(rng_());
    d.msg_last_i = rng_() & 1;
    d.msg_bytes_i = static_cast<unsigned>(rng_() % (wb_ + 1));
  }

  // After the model settles: whether the beat on the port moves at this clock edge.
  static bool moves(const Dut& d) { return d.msg_valid_i && d.msg_ready_o; }

  // After the clock edge: a beat that moved leaves the queue; otherwise the front beat's
  // gap counts down.
  void advance(bool moved) {
    if (moved) {
      beats_.pop_front();
      ++taken_;
    } else if (!beats_.empty() && beats_.front().gap > 0) {
      --beats_.front().gap;
    }
  }

 private:
  unsigned draw_gap(const StreamOptions& o) {
    return o.max_gap == 0 ? 0 : static_cast<unsigned>(rng_() % (o.max_gap + 1));
  }

  std::size_t wb_;
  std::mt19937_64& rng_;
  std::deque<Beat> beats_;
  std::size_t taken_ = 0;
};

}  // namespace tame::sim
