"""The portal's long lists: keyset pages and capped counts (portal.paging)."""

import environ

env = environ.Env()

#: A list states its exact count up to this many rows and "超过 N" beyond: counting a
#: LIMIT N+1 sub-select costs at most N+1 rows, whatever the table holds. 0 counts exactly
#: (every row of the filtered set, each time the page is shown).
CHENGXIN_LIST_COUNT_CAP = env.int("CHENGXIN_LIST_COUNT_CAP", default=10_000)
