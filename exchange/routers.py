"""The staging database (前置库) belongs to the province's side of the exchange: the staging
transport creates its own table there; none of this project's migrations run on it."""


class StagingRouter:
    def allow_migrate(self, db, app_label, **hints):
        return False if db == "staging" else None
