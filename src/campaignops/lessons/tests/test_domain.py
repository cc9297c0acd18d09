"""Tokenising (Chinese bigrams + jieba query words, English words), similarity and row matching:
pure Python, no database."""

import pytest

from campaignops.lessons.domain.matching import (
    CHANNEL,
    KIND,
    PHASE,
    TEXT,
    LessonFacts,
    Row,
    suggest,
    text_score,
)
from campaignops.lessons.domain.similarity import most_similar, similarity
from campaignops.lessons.domain.tokens import english_word, index_string, index_tokens, query_terms, words


def test_chinese_runs_are_indexed_as_overlapping_bigrams_and_english_as_words():
    assert index_tokens("素人笔记ROI高") == ["素人", "人笔", "笔记", "roi", "高"]
    assert index_tokens("Influencers beat KOLs at 618!") == ["influencer", "beat", "kol", "at", "618"]


def test_full_width_forms_are_folded():
    assert index_tokens("ＫＯＬ档期") == ["kol", "档期"]


def test_index_string_joins_several_texts():
    assert index_string("预算超支", "", "venue fee") == "预算 算超 超支 venue fee"


@pytest.mark.parametrize(("word", "stem"), [
    ("influencers", "influencer"), ("reviews", "review"), ("categories", "category"), ("less", "less"),
    ("status", "status"), ("analysis", "analysis"), ("kols", "kol"), ("bus", "bus"), ("its", "its"),
])
def test_light_plural_stem(word, stem):
    assert english_word(word) == stem


@pytest.mark.parametrize(("query", "phrases"), [
    ("预算", [["预算"]]),
    ("素人笔记", [["素人"], ["笔记"]]),
    ("influencer", [["influencer"]]),
    ("Influencers", [["influencer"]]),
    ("预算超支快闪店", [["预算"], ["超支"], ["快闪", "闪店"]]),     # jieba: 快 / 闪店 → glued back
    ("达人 reviews", [["达人"], ["review"]]),                       # jieba: 达 / 人 → glued back
    ("素人笔记的成本", [["素人"], ["笔记"], ["成本"]]),             # 的 is a glue word
    ("the", []),
    ("  ", []),
    ("费", [["费"]]),
])
def test_query_terms(query, phrases):
    assert query_terms(query) == phrases


def test_words_are_jieba_words_without_glue():
    assert words("小红书素人笔记的成本") == ["小红书", "素人", "笔记", "成本"]


def test_similarity_ignores_order_and_is_zero_without_words():
    assert similarity("预算超支 快闪店", "快闪店 预算超支") == 100.0
    assert similarity("", "预算") == 0.0
    assert similarity("素人笔记成本低", "live stream network test") < 30


def test_most_similar_ranks_and_cuts():
    candidates = [(1, "KOL档期冲突，提前签约备用KOL"), (2, "快闪店场地费预算超支"), (3, "KOL 档期冲突")]
    found = most_similar("KOL档期冲突", candidates, limit=5)
    assert [m.key for m in found] == [3, 1]        # same words first, then the longer lesson
    assert found[0].score == 100.0
    assert 55 <= found[1].score < 100
    assert most_similar("KOL档期冲突", candidates, exclude=[1, 3]) == []


def test_text_score_is_balanced_for_short_texts():
    # token_set_ratio alone says 100 when one text's words are a subset of the other's
    assert text_score("小红书", "小红书 素人 笔记 线索 成本 低于 达人 测评") < 60


ROWS = [Row(1, 10, "warm_up", "小红书/抖音内容制作与达人对接"), Row(2, 20, "burst", "直播带货、线下快闪店"),
        Row(3, None, "preparation", "确认目标、细化方案")]


def test_suggest_by_channel_then_phase_then_text():
    lessons = [
        LessonFacts(100, 10, "warm_up", "product_launch", "素人笔记的线索成本低于达人测评"),   # row 1: channel+phase+kind
        LessonFacts(101, None, "preparation", "", "跨部门沟通慢：提前建立共享文档"),            # row 3: phase
        LessonFacts(102, 30, "burst", "product_launch", "some other channel"),                 # nothing: other channel
        LessonFacts(103, None, "", "product_launch", "type only"),                             # nothing: type alone
    ]
    found = suggest(ROWS, lessons, campaign_kind="product_launch")
    assert [(s.row, s.lesson, s.reasons) for s in found] == [
        (1, 100, (CHANNEL, PHASE, KIND)),
        (3, 101, (PHASE,)),
    ]
    assert found[0].score == 80


def test_suggest_by_similar_text_and_keeps_the_best_per_row():
    lessons = [LessonFacts(i, None, "", "", "确认目标、细化方案") for i in range(1, 6)]
    found = suggest(ROWS, lessons, campaign_kind="other", per_row=2)
    assert [(s.row, s.lesson) for s in found] == [(3, 1), (3, 2)]
    assert found[0].reasons == (TEXT,)
    assert found[0].score == 50
