"""Tokenising lessons for full-text search, in Chinese and English (pure Python, no Django).

The index holds, in text order, English/number words (lower-cased, a plural "s" taken off) and,
for every run of CJK characters, its overlapping character bigrams ("素人笔记" → 素人 人笔 笔记).
A query is cut into words by jieba (rjieba), so "预算超支快闪店" means 预算 AND 超支 AND 快闪店 in any
order; each Chinese word is looked up as the phrase of its bigrams, which finds it wherever it
stands in a lesson whatever jieba made of the lesson's own sentence (jieba cuts "达人测评" into
达 / 人 / 测评 in one context and 达人 / 测评 in another — bigrams do not depend on that).
"""

import re
import unicodedata

import rjieba

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_SEGMENT = re.compile(rf"[{_CJK}]+|[0-9a-z]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
# Single characters and English glue words that say nothing on their own in a query.
STOPWORDS = frozenset({
    "的", "了", "和", "与", "及", "在", "是", "要", "把", "被", "对", "也", "都", "就", "而", "或",
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "is", "are", "was", "be", "by", "at",
    "with", "than", "as", "it",
})


# Marketing words jieba's general dictionary does not know (it would cut 小红书素 / 人 / 笔记).
DOMAIN_WORDS = (
    "小红书", "抖音", "快手", "微博", "哔哩哔哩", "天猫", "京东", "拼多多", "视频号", "公众号", "千川", "巨量引擎",
    "达人", "素人", "博主", "主播", "网红", "种草", "笔记", "测评", "直播", "直播间", "带货", "短视频", "快闪店",
    "预热", "爆发", "返现", "好评", "曝光", "曝光量", "点击率", "转化率", "投产比", "客单价", "线索", "留资",
    "档期", "物料", "场地费", "预算", "超支", "备用金", "复盘", "私域", "社群", "引流", "拉新", "复购", "满减",
)
for _word in DOMAIN_WORDS:
    rjieba.add_word(_word, 2000, None)


def normalise(text: str) -> str:
    """Full-width forms to half-width, lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def english_word(word: str) -> str:
    """A light plural stem so "influencers" finds "influencer" and back (never below 3 letters)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def index_tokens(text: str) -> list[str]:
    """The token stream stored in the index for `text`."""
    out: list[str] = []
    for seg in _SEGMENT.findall(normalise(text)):
        if _IS_CJK.match(seg):
            out.extend(_bigrams(seg))
        else:
            out.append(english_word(seg))
    return out


def index_string(*texts: str) -> str:
    """Space-joined tokens of several texts (a gap token keeps phrases from running across them)."""
    return " ".join(" ".join(index_tokens(t)) for t in texts if t).strip()


def _cut(text: str) -> list[str]:
    """jieba's words of `text` as index segments, single Chinese characters glued to their neighbour
    in the same run ("快" + "闪店" → "快闪店", "达" + "人" → "达人"), glue words dropped."""
    out: list[str] = []
    for seg in _SEGMENT.findall(normalise(text)):
        if not _IS_CJK.match(seg):
            out.append(english_word(seg))
            continue
        run: list[str] = []
        pending = ""
        for w in rjieba.cut(seg):
            if w in STOPWORDS:
                if pending:
                    run.append(pending)
                    pending = ""
                run.append("")  # a break: do not glue across a glue word
                continue
            if len(w) == 1:
                pending += w
                continue
            run.append(pending + w)
            pending = ""
        if pending:
            if run and run[-1] and len(pending) == 1:
                run[-1] += pending
            else:
                run.append(pending)
        out.extend(w for w in run if w)
    return [w for w in out if w not in STOPWORDS]


def words(text: str) -> list[str]:
    """Meaningful words of a text, as jieba cuts them (for queries and similarity)."""
    return _cut(text)


def query_terms(query: str) -> list[list[str]]:
    """The query as AND-ed phrases, each a list of index tokens in order."""
    phrases: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for term in _cut(query):
        phrase = _bigrams(term) if _IS_CJK.match(term) else [term]
        if tuple(phrase) not in seen:
            seen.add(tuple(phrase))
            phrases.append(phrase)
    return phrases
