"""Which lessons concern which plan rows (pure Python).

A lesson concerns a row when it names the row's channel (or a channel the row's text names, e.g. a
Douyin row about the "线下快闪店" concerns pop-up store lessons), or (naming no channel) the row's phase
kind, or when its text is similar to the row's. The campaign type only ranks: it never brings a
lesson on its own, or every row would carry every lesson of that type.
"""

from dataclasses import dataclass

from .similarity import balanced_ratio
from .tokens import words

CHANNEL, PHASE, KIND, TEXT = "channel", "phase", "kind", "text"
ROW_TEXT_AT = 60.0
PER_ROW = 3


@dataclass(frozen=True)
class Row:
    key: int
    channel_id: int | None
    phase_kind: str
    text: str


@dataclass(frozen=True)
class LessonFacts:
    key: int
    channel_id: int | None
    phase_kind: str
    campaign_kind: str
    text: str
    channel_names: tuple[str, ...] = ()   # the channel's names, lower case: a row naming it concerns it


@dataclass(frozen=True)
class Suggestion:
    row: int
    lesson: int
    score: int
    reasons: tuple[str, ...]


def text_score(a_words: str, b_words: str) -> float:
    """0–100 (see similarity.balanced_ratio)."""
    return balanced_ratio(a_words, b_words)


def suggest(rows: list[Row], lessons: list[LessonFacts], *, campaign_kind: str,
            per_row: int = PER_ROW) -> list[Suggestion]:
    """The best `per_row` lessons for each row, best first; rows in the given order."""
    lesson_words = {le.key: " ".join(words(le.text)) for le in lessons}
    out: list[Suggestion] = []
    for row in rows:
        row_words = " ".join(words(row.text))
        row_lower = row.text.lower()
        found = []
        for le in lessons:
            reasons = []
            score = 0.0
            if le.channel_id is not None and (le.channel_id == row.channel_id or any(
                    n and n in row_lower for n in le.channel_names)):
                reasons.append(CHANNEL)
                score += 50
            if le.phase_kind and le.phase_kind == row.phase_kind:
                reasons.append(PHASE)
                score += 20
            sim = text_score(row_words, lesson_words[le.key])
            if sim >= ROW_TEXT_AT:
                reasons.append(TEXT)
                score += sim / 2
            concerns = CHANNEL in reasons or TEXT in reasons or (le.channel_id is None and PHASE in reasons)
            if not concerns:
                continue
            if le.campaign_kind and le.campaign_kind == campaign_kind:
                reasons.append(KIND)
                score += 10
            found.append(Suggestion(row.key, le.key, min(int(round(score)), 100), tuple(reasons)))
        found.sort(key=lambda s: (-s.score, s.lesson))
        out.extend(found[:per_row])
    return out
