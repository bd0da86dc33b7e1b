"""The annual integrity assessment (政务诚信考核评价, DOMAIN §9.1).

- `lifecycle`: the year's states and steps on one screen, with who takes each.
- `sources`: the table of automatic deduction sources, each a set-based count over the
  system's own data; the places where commitments and self-reports plug in.
- `scoring`: from score lines to indicator scores, totals, grades and ranks.
- `services`: the use cases (tree, scoring, submission, approval, objections), audited.
- `queries`: reads already scoped to the user; `export`: the 考评办 workbook.
"""
