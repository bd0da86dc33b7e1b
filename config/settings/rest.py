"""Django REST framework and the OpenAPI schema."""

# The kinds' declarations name their models by path: readable before any model is loaded.
from casework.kinds import openapi_enum_names

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "casework.api.tokens.ExpiryAwareSessionAuthentication",
        "casework.api.tokens.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bounded in size and nesting (no RecursionError); forms and uploads as DRF has them.
    "DEFAULT_PARSER_CLASSES": [
        "casework.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Keyset pages in each list's fixed ordering: no OFFSET, no COUNT(*) (casework.api.pagination).
    "DEFAULT_PAGINATION_CLASS": "casework.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    # Error statuses, nullable fields and the roles of each step, read from the code.
    "DEFAULT_SCHEMA_CLASS": "casework.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "casework.api.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Chengxin 诚信 API",
    "DESCRIPTION": "政务失信记录管理：记录、异议、整改、问责与信用修复。",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Government networks are often offline: Swagger UI is served by the project, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for a choice set used under several field names (record output vs. serve input).
    "ENUM_NAME_OVERRIDES": {
        "ServiceMethodEnum": "casework.models.records.ServiceMethod",
        # Every sub-process has a `state`: one name per choice set, from its kind's declaration.
        **openapi_enum_names(),
        # Some also have an `outcome` or a kind of their own.
        "ObjectionOutcomeEnum": "casework.models.objections.ObjectionOutcome",
        "RefusalReasonEnum": "casework.models.repair.RefusalReason",
        "DecisionTypeEnum": "casework.models.accountability.DecisionType",
        "AppealOutcomeEnum": "casework.models.accountability.AppealOutcome",
        "AppealKindEnum": "casework.models.accountability.AppealKind",
        "SyncKindEnum": "casework.models.repair.SyncKind",
    },
}
