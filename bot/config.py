"""Settings from the environment and ``.env`` (pydantic-settings)."""

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class Settings(BaseSettings):
    """Everything the bot reads from its environment; documented in ``.env.example``."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr
    db_path: Path = Path("data/bot.db")
    telegram_api_url: str | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    content_dir: Path = Path("content")
    log_level: str = "INFO"
    event_loop: Literal["uvloop", "asyncio"] = "uvloop"
    default_timezone: str = "Europe/Moscow"
    push_rate: float = Field(default=25.0, gt=0, le=1000)
    push_grace_hours: float = Field(default=3.0, ge=0, le=23)
    push_tick_seconds: float = Field(default=60.0, ge=0.2, le=60)
    # Production mode (see README «Production»).
    database_url: str | None = None
    db_pool_size: int = Field(default=20, ge=2, le=500)
    bot_mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_path: str = "/telegram"
    web_host: str = "0.0.0.0"
    web_port: int = Field(default=8080, ge=1, le=65535)
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    user_rate: float = Field(default=1.0, ge=0, le=1000)
    user_burst: int = Field(default=20, ge=1, le=10_000)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("не задан: получите токен у @BotFather и впишите его в .env")
        if not _TOKEN.match(value.get_secret_value().strip()):
            raise ValueError("токен должен выглядеть как 123456789:AA… (его выдаёт @BotFather)")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str | None) -> str | None:
        value = (value or "").strip().rstrip("/")
        if not value:
            return None
        try:
            parts = urlsplit(value)
            valid = parts.scheme in {"http", "https"} and bool(parts.hostname)
            valid = valid and (parts.port is None or parts.port > 0)  # a bad port raises
        except ValueError:
            valid = False
        if not valid:
            raise ValueError(
                "нужен полный адрес сервера Bot API со схемой http:// или https://, например"
                " http://127.0.0.1:8081 (или пусто — тогда сервер самого Telegram)"
            )
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            # OSError: a tzdata directory such as "Europe" is not a zone.
            raise ValueError(
                f"неизвестный часовой пояс {value!r}: нужно название из базы IANA,"
                " например Europe/Moscow"
            ) from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        value = value.strip()
        if not value.startswith(("postgresql://", "postgres://")):
            raise ValueError(
                "ожидается postgresql://пользователь:пароль@хост:порт/база"
                " (пусто — встроенный SQLite в DB_PATH)"
            )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not _SECRET.match(value.get_secret_value()):
            raise ValueError("1–256 символов: латиница, цифры, «_» и «-» (так требует Telegram)")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _path_shape(cls, value: str) -> str:
        return value if value.startswith("/") else f"/{value}"

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _empty_port(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> "Settings":
        if self.bot_mode == "webhook" and self.webhook_secret is None:
            raise ValueError(
                "BOT_MODE=webhook требует WEBHOOK_SECRET: без него любой мог бы слать боту"
                " поддельные обновления"
            )
        return self

    @field_validator("log_level")
    @classmethod
    def _level_name(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL: DEBUG, INFO, WARNING, ERROR или CRITICAL")
        return value
