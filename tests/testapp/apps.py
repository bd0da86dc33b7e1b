from django.apps import AppConfig


class TestAppConfig(AppConfig):
    name = "tests.testapp"
    label = "testapp"
    verbose_name = "测试用对象"  # the admin speaks Chinese (tests/test_ui_language.py)
    default_auto_field = "django.db.models.BigAutoField"
