#include "text_samples.hpp"

#include <array>
#include <random>
#include <string_view>

namespace bl::bench {

namespace {

constexpr std::string_view kWords[] = {
    "the",     "of",      "and",     "to",       "in",       "is",       "that",     "for",
    "it",      "as",      "was",     "with",     "be",       "by",       "on",       "not",
    "he",      "this",    "are",     "or",       "his",      "from",     "at",       "which",
    "but",     "have",    "an",      "had",      "they",     "you",      "were",     "their",
    "one",     "all",     "we",      "can",      "her",      "has",      "there",    "been",
    "if",      "more",    "when",    "will",     "would",    "who",      "so",       "no",
    "buffer",  "file",    "kernel",  "write",    "read",     "page",     "cache",    "disk",
    "system",  "program", "data",    "memory",   "process",  "time",     "number",   "people",
    "water",   "river",   "city",    "morning",  "evening",  "window",   "garden",   "letter",
    "little",  "great",   "small",   "large",    "first",    "last",     "other",    "same",
    "through", "between", "before",  "after",    "without",  "under",    "around",   "against",
    "said",    "made",    "found",   "thought",  "looked",   "called",   "became",   "seemed",
    "because", "however", "perhaps", "although", "whenever", "together", "probably", "suddenly",
    "house",   "world",   "country", "question", "answer",   "history",  "example",  "problem"};

// Non-ASCII pieces of edited English; spliced in with the given weights.
constexpr std::string_view kLoanwords[] = {"café",   "naïve",   "résumé", "déjà vu",
                                           "façade", "fiancée", "rôle",   "coöperate"};

constexpr std::string_view kHanzi =
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对"
    "可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公"
    "同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正"
    "名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并"
    "内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表"
    "原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风"
    "战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫"
    "连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士"
    "转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持音跑投注";

class Writer {
 public:
  explicit Writer(std::uint32_t seed) : random_(seed) {}

  // 0 <= result < n, the same on every standard library (mt19937 is fully specified).
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(random_() % n); }
  bool chance(std::size_t percent_times_ten) { return below(1000) < percent_times_ten; }

  void add(std::string_view piece) {
    text_ += piece;
    for (unsigned char c : piece) {
      if ((c & 0xC0) != 0x80) ++code_points_;
      if (c >= 0xC0) ++non_ascii_;
    }
  }
  void add_code_point(char32_t c) {
    std::array<char, 4> bytes{};
    std::size_t n = 0;
    if (c < 0x80) {
      bytes[n++] = static_cast<char>(c);
    } else if (c < 0x800) {
      bytes[n++] = static_cast<char>(0xC0 | (c >> 6));
      bytes[n++] = static_cast<char>(0x80 | (c & 0x3F));
    } else {
      bytes[n++] = static_cast<char>(0xE0 | (c >> 12));
      bytes[n++] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      bytes[n++] = static_cast<char>(0x80 | (c & 0x3F));
    }
    add(std::string_view(bytes.data(), n));
  }

  std::size_t size() const { return text_.size(); }

  TextSample finish(std::string name, std::size_t bytes) {
    std::size_t cut = std::min(bytes, text_.size());
    while (cut > 0 && (static_cast<unsigned char>(text_[cut]) & 0xC0) == 0x80) --cut;
    text_.resize(cut);
    return {std::move(name), std::move(text_),
            static_cast<double>(non_ascii_) / static_cast<double>(code_points_)};
  }

 private:
  std::mt19937 random_;
  std::string text_;
  std::size_t code_points_ = 0, non_ascii_ = 0;
};

// English-like prose; with `edited`, about 2% of the characters are typographic or accented.
TextSample prose(std::string name, std::size_t bytes, bool edited) {
  Writer w(edited ? 2 : 1);
  std::size_t line = 0;
  while (w.size() < bytes) {
    const std::size_t words = 6 + w.below(14);
    const bool quoted = edited && w.chance(150);
    if (quoted) w.add("“");
    for (std::size_t i = 0; i < words; ++i) {
      std::string word(edited && w.chance(60) ? kLoanwords[w.below(std::size(kLoanwords))]
                                              : kWords[w.below(std::size(kWords))]);
      if (i == 0 && word[0] >= 'a' && word[0] <= 'z') word[0] = static_cast<char>(word[0] - 32);
      if (edited && w.chance(40)) word += "’s";
      if (line + word.size() > 72) {
        w.add("\n");
        line = 0;
      } else if (i > 0 || line > 0) {
        w.add(" ");
        ++line;
      }
      w.add(word);
      line += word.size();
      if (i + 1 < words && w.chance(80)) w.add(edited && w.chance(300) ? " —" : ",");
    }
    w.add(quoted ? ".”" : ".");
    if (w.chance(150)) {
      w.add("\n\n");
      line = 0;
    }
  }
  return w.finish(std::move(name), bytes);
}

// Chinese and Japanese: sentences of hanzi/kanji and kana with full-width punctuation,
// a line break after each paragraph and now and then ASCII digits or a Latin word.
TextSample cjk(std::size_t bytes) {
  Writer w(3);
  const std::size_t hanzi = kHanzi.size() / 3;
  while (w.size() < bytes) {
    const bool japanese = w.chance(400);
    const std::size_t length = 8 + w.below(30);
    for (std::size_t i = 0; i < length; ++i) {
      if (w.chance(15)) {
        w.add(std::to_string(w.below(3000)));
      } else if (w.chance(5)) {
        w.add(" CPU ");
      } else if (japanese && w.chance(500)) {
        // Hiragana U+3042..U+3093 or katakana U+30A2..U+30F3.
        w.add_code_point((w.chance(700) ? 0x3042 : 0x30A2) + static_cast<char32_t>(w.below(82)));
      } else {
        const std::size_t k = w.below(hanzi);
        w.add(kHanzi.substr(3 * k, 3));
      }
      if (i + 1 < length && w.chance(60)) w.add(japanese ? "、" : "，");
    }
    w.add("。");
    if (w.chance(200)) w.add("\n");
  }
  return w.finish("cjk", bytes);
}

}  // namespace

std::vector<TextSample> text_samples(std::size_t bytes) {
  return {prose("ascii", bytes, false), prose("mostly-ascii", bytes, true), cjk(bytes)};
}

std::vector<std::size_t> chunk_starts(const std::string& text, std::size_t chunk) {
  std::vector<std::size_t> starts = {0};
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(start + chunk, text.size());
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    starts.push_back(end);
    start = end;
  }
  if (starts.size() == 1) starts.push_back(text.size());
  return starts;
}

}  // namespace bl::bench
