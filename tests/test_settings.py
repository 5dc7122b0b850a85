import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "pelatihan.example.go.id",
}


def manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_in_production_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues (0 silenced)" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_local_mode_uses_indonesian_time_and_language():
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]


def test_indonesian_input_formats_never_read_month_first():
    from asnportal.formats.id import formats

    assert "%m/%d/%Y" not in formats.DATE_INPUT_FORMATS
    assert all(not fmt.startswith("%m") for fmt in formats.DATETIME_INPUT_FORMATS)


def _database_setting(env) -> str:
    code = "from django.conf import settings as s; d = s.DATABASES['default']; "
    code += "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_local_mode_keeps_no_idle_postgresql_connection():
    # runserver never reuses a thread's connection: kept ones only fill PostgreSQL's slots.
    env = {"DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal"}

    assert _database_setting(env) == "0 True"


def test_production_reuses_connections_checked_before_each_request():
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal"}

    assert _database_setting(env) == "60 True"


def test_production_sends_a_content_security_policy():
    code = "from django.conf import settings as s; "
    code += "print('csp.middleware.CSPMiddleware' in s.MIDDLEWARE, "
    code += "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'])"

    result = manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)

    assert result.stdout.strip() == "True [\"'self'\"]"
