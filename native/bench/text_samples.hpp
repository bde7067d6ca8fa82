// The UTF-8 texts bl_bench_codecs decodes, generated from a fixed seed so that every run and
// every machine decodes the same bytes:
//
//   ascii         English-like prose: words, punctuation, lines of about 72 characters
//   mostly-ascii  the same prose with about 2% of its characters outside ASCII, as edited
//                 English has them: é ï in loanwords, — dashes, “” ‘’ quotes
//   cjk           Chinese and Japanese sentences (hanzi/kanji, kana, full-width punctuation)
//                 with line breaks and a few ASCII digits and words
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bl::bench {

struct TextSample {
  std::string name;
  std::string utf8;            // the encoded text
  double non_ascii_share = 0;  // of its code points
};

// The three samples, each of about `bytes` bytes (cut at a character boundary).
std::vector<TextSample> text_samples(std::size_t bytes);

// Where `text` is cut into chunks of at most `chunk` bytes, each ending at a character
// boundary (what a reader that decodes `chunk` bytes at a time decodes): offsets of the chunk
// starts, and text.size() last. bl_bench_codecs's Python side cuts by the same rule.
std::vector<std::size_t> chunk_starts(const std::string& text, std::size_t chunk);

}  // namespace bl::bench
