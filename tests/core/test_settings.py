import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("REDIS_URL", "WAGTAILADMIN_BASE_URL")
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "jiangxin.example.cn",
    "WAGTAILADMIN_BASE_URL": "https://jiangxin.example.cn",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "DJANGO_DEFAULT_FROM_EMAIL": "noreply@jiangxin.example.cn",
}


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level=WARNING",
        "--settings=config.settings.production",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_naming_everything_missing():
    result = manage("check", "--settings=config.settings.production")
    assert result.returncode != 0
    for name in PRODUCTION:
        assert name in result.stderr


def test_production_refuses_a_missing_shared_cache_or_a_relative_base_url():
    no_cache = {**PRODUCTION, "REDIS_URL": ""}
    result = manage("check", "--settings=config.settings.production", **no_cache)
    assert result.returncode != 0 and "REDIS_URL" in result.stderr
    relative = {**PRODUCTION, "WAGTAILADMIN_BASE_URL": "jiangxin.example.cn"}
    result = manage("check", "--settings=config.settings.production", **relative)
    assert result.returncode != 0 and "WAGTAILADMIN_BASE_URL" in result.stderr


def _refusal(**changes):
    result = manage("check", "--settings=config.settings.production", **{**PRODUCTION, **changes})
    assert result.returncode != 0
    return result.stderr


def test_production_refuses_a_base_url_without_a_host():
    assert "WAGTAILADMIN_BASE_URL must be an absolute address" in _refusal(
        WAGTAILADMIN_BASE_URL="https://"
    )


def test_production_refuses_a_base_url_on_a_host_it_does_not_serve():
    stderr = _refusal(WAGTAILADMIN_BASE_URL="http://127.0.0.1:8000")
    assert "DJANGO_ALLOWED_HOSTS must include 127.0.0.1" in stderr


def test_production_refuses_a_sender_that_is_not_an_address_and_names_it_with_the_rest():
    stderr = _refusal(DJANGO_DEFAULT_FROM_EMAIL="jiangxin", REDIS_URL="")
    assert "DJANGO_DEFAULT_FROM_EMAIL must be an email address, not 'jiangxin'" in stderr
    assert "REDIS_URL (the shared cache" in stderr


def test_production_refuses_a_wrong_admin_address():
    assert "DJANGO_ADMINS must be addresses" in _refusal(DJANGO_ADMINS="ops")


def test_chinese_first_in_shanghai():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]
