"""Free-text search: "the text contains this word", case-insensitive, and served by an index on
PostgreSQL even for the 2-character words most Chinese searches are (整改, 逾期, 问责).

A trigram index cannot serve a pattern shorter than 3 characters, and Debian ships neither
pg_bigm nor zhparser, so each searched column has a GIN index over the array of its
upper-cased character bigrams (`chengxin_bigrams`, migration casework 0020_search_bigrams).
A word is looked up as "the column's bigrams include all of the word's bigrams" (the index),
and then checked with the `icontains` of old — the bigrams being there does not prove they are
adjacent (整改 and 通知 somewhere does not make 整改通知) — so the rows found are exactly those
`icontains` finds. A word of one character has no bigram: it is the plain `icontains` (a seq
scan), as is every word on SQLite.

Every search of a list goes through `text_contains`, and every column it names needs its index
in the migration, or it is the seq scan of old.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.core.exceptions import FullResultSet
from django.db.models import CharField, Field, ForeignObject, Lookup, Q, QuerySet, TextField
from django.db.models.lookups import In
from django.db.models.sql import Query

#: The SQL function the indexes are built on (migration casework 0020_search_bigrams).
BIGRAMS = "chengxin_bigrams"
#: A longer word is looked up by the bigrams of its first characters only: those of any part of
#: the word are a necessary condition, and the `icontains` check makes the answer exact.
INDEXED_PREFIX = 16


class BigramsContain(Lookup):
    """`field__bigrams_contain=word`: on PostgreSQL, the column's bigrams include the word's
    (what the index answers); true elsewhere and for a word of one character (no bigram)."""

    lookup_name = "bigrams_contain"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        raise FullResultSet

    def as_postgresql(self, compiler, connection):
        if not isinstance(self.rhs, str) or len(self.rhs) < 2:
            raise FullResultSet
        column, params = compiler.compile(self.lhs)
        return f"{BIGRAMS}({column}) @> {BIGRAMS}(%s)", (*params, self.rhs[:INDEXED_PREFIX])


class InArray(In):
    """`field__in_array=queryset`: `IN (sub-query)`, written `= ANY(ARRAY(sub-query))` on
    PostgreSQL: the sub-query is run once, and the column's index can then be OR-ed with the
    bigram indexes in one bitmap scan (an `IN` sub-query inside an OR cannot use an index)."""

    lookup_name = "in_array"

    def as_postgresql(self, compiler, connection):
        if not isinstance(self.rhs, Query):
            return super().as_sql(compiler, connection)
        column, params = self.process_lhs(compiler, connection)
        subquery, subquery_params = compiler.compile(self.rhs)
        return f"{column} = ANY(ARRAY{subquery})", (*params, *subquery_params)


CharField.register_lookup(BigramsContain)
TextField.register_lookup(BigramsContain)
Field.register_lookup(InArray)
ForeignObject.register_lookup(InArray)


def words(text: str) -> list[str]:
    """The words of a search box: split on white space (Chinese and ASCII), repeats dropped."""
    return list(dict.fromkeys((text or "").split()))


def _any(fields, lookup: str, word: str) -> Q:
    return reduce(or_, (Q(**{f"{field}__{lookup}": word}) for field in fields))


def text_contains(fields: tuple[str, ...] | list[str], word: str, *, related: Q | None = None) -> Q:
    """Rows where any of `fields` contains `word`, case-insensitive (`icontains`), or that
    `related` selects (found by the word elsewhere: `in_array` of other tables' matches).

    Written as (any field's bigrams match, or related) AND (any field contains the word, or
    related) — the same rows as "any field has both, or related", since containing the word
    means having its bigrams — so that PostgreSQL ORs the indexes in one bitmap scan and checks
    only the LIKE on the rows they give, never recomputing a row's bigrams."""
    indexed, exact = _any(fields, "bigrams_contain", word), _any(fields, "icontains", word)
    if related is not None:
        indexed, exact = indexed | related, exact | related
    return indexed & exact


def organisations_named(word: str) -> QuerySet:
    """The ids of the organisations whose current name, short name or an earlier name contains
    `word`: a union of what each table's indexes give, not a join."""
    from .models import Organisation, OrganisationName

    own = Organisation.objects.filter(text_contains(["name", "short_name"], word)).order_by().values("pk")
    earlier = (
        OrganisationName.objects.filter(text_contains(["name"], word)).order_by().values("organisation_id")
    )
    return own.union(earlier)
