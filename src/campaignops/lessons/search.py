"""The lessons' full-text index on both databases, kept in sync by the services.

- SQLite: an FTS5 table `lessons_lesson_fts(tokens)` whose rowid is the lesson id (migration 0001);
  the services write it, and a trigger removes a row when its lesson goes (campaign cascades).
- PostgreSQL: a generated column `search_vector = to_tsvector('simple', search_tokens)` with a GIN
  index (migration 0001), so it follows `search_tokens` by itself.
Tokens are built by domain/tokens.py (rjieba for the query, CJK bigrams + English words indexed).
"""

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from .domain.tokens import _IS_CJK, index_string, query_terms

FTS_TABLE = "lessons_lesson_fts"


def tokens_for(lesson) -> str:
    return index_string(lesson.text, lesson.evidence, lesson.tags.replace(",", " "))


def index(lesson) -> None:
    """(Re)index one saved lesson; call inside the service's transaction after `search_tokens` is set."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [lesson.pk])
            cur.execute(f"INSERT INTO {FTS_TABLE}(rowid, tokens) VALUES (%s, %s)", [lesson.pk, lesson.search_tokens])


def unindex(lesson_id: int) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [lesson_id])


def _fts(qs: QuerySet, phrases: list[list[str]], *, any_: bool = False, trigram: str = "") -> QuerySet:
    """Lessons whose indexed tokens hold every phrase (or any, with `any_`); on PostgreSQL, with
    `trigram`, also the lessons whose text pg_trgm finds similar to it (GIN trigram index)."""
    texts = [" ".join(p) for p in phrases]
    if connection.vendor == "postgresql":
        sql = (" || " if any_ else " && ").join(["phraseto_tsquery('simple', %s)"] * len(texts))
        where, params = (f"lessons_lesson.search_vector @@ ({sql})", texts) if texts else ("false", [])
        if trigram:
            where, params = f"({where}) OR lessons_lesson.text %% %s", [*params, trigram]
        hit = RawSQL(where, params, output_field=BooleanField())
        return qs.alias(fts_hit=hit).filter(fts_hit=True)
    # Tokens hold only [0-9a-z] and CJK characters (domain/tokens.py), so quoting each phrase is enough.
    match = (" OR " if any_ else " AND ").join(f'"{t}"' for t in texts)
    return qs.filter(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match]))


def _single_cjk(phrase: list[str]) -> bool:
    return len(phrase) == 1 and len(phrase[0]) == 1 and bool(_IS_CJK.match(phrase[0]))


def matching(qs: QuerySet, query: str) -> QuerySet:
    """Narrow a lesson queryset to those matching the full-text `query` (all words, any order).
    A blank query does not filter; a query of glue words only ("的", "the") matches nothing."""
    phrases = query_terms(query)
    if not phrases:
        return qs if not query.strip() else qs.none()
    # One Chinese character alone: bigrams cannot answer it, a scan of the tokens can (rare queries).
    for phrase in [p for p in phrases if _single_cjk(p)]:
        qs = qs.filter(search_tokens__contains=phrase[0])
    rest = [p for p in phrases if not _single_cjk(p)]
    return _fts(qs, rest) if rest else qs


def _words(text: str) -> list[list[str]]:
    return [p for p in query_terms(text) if not _single_cjk(p) and (len(p) > 1 or len(p[0]) > 1)]


def matching_any(qs: QuerySet, text: str) -> QuerySet:
    """Lessons sharing at least one word (of two characters or more) with `text`."""
    phrases = _words(text)
    return _fts(qs, phrases, any_=True) if phrases else qs.none()


def similar_candidates(qs: QuerySet, text: str) -> QuerySet:
    """Candidates for "similar lessons" (ranked afterwards with rapidfuzz): the lessons sharing a
    word with `text`, plus on PostgreSQL those pg_trgm finds similar (one query either way)."""
    phrases = _words(text)
    if connection.vendor == "postgresql":
        return _fts(qs, phrases, any_=True, trigram=text)
    return _fts(qs, phrases, any_=True) if phrases else qs.none()
