""""Similar lessons": how close two texts are, on jieba words, with rapidfuzz (pure Python)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .tokens import words

SIMILAR_AT = 55.0  # scores are 0–100; below this two lessons are not "similar"


def word_string(text: str) -> str:
    return " ".join(words(text))


def balanced_ratio(a_words: str, b_words: str, **_kwargs) -> float:
    """0–100 on two word strings: token-set ratio (order and repeats do not matter) tempered by the
    token-sort ratio, so a short text is not "similar" to every long text containing its words."""
    if not a_words or not b_words:
        return 0.0
    return 0.4 * fuzz.token_set_ratio(a_words, b_words) + 0.6 * fuzz.token_sort_ratio(a_words, b_words)


def similarity(a: str, b: str) -> float:
    """0–100: how alike two texts are, on their jieba words."""
    return float(balanced_ratio(word_string(a), word_string(b)))


@dataclass(frozen=True)
class Match:
    key: int
    score: float


def most_similar(text: str, candidates: Iterable[tuple[int, str]], *, limit: int = 5,
                 at_least: float = SIMILAR_AT, exclude: Sequence[int] = ()) -> list[Match]:
    """The `limit` candidates (key, text) closest to `text`, best first, at or above `at_least`."""
    query = word_string(text)
    if not query:
        return []
    choices = {key: word_string(t) for key, t in candidates if key not in exclude}
    found = process.extract(query, choices, scorer=balanced_ratio, limit=limit, score_cutoff=at_least)
    return sorted((Match(key, float(score)) for _, score, key in found), key=lambda m: (-m.score, m.key))
